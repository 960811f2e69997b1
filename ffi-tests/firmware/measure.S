/* Leaf routines that use no stack, so that they do not disturb what they measure.
 * ARMv6-M instructions only (no post-indexed loads and stores): the same file on every core. */
    .syntax unified
    .thumb
    .equ PAINT, 0x5a5aa5a5

    .section .text.fw_mark, "ax", %progbits
    .global fw_mark
    .type fw_mark, %function
    .thumb_func
fw_mark:
    bx lr
    .size fw_mark, . - fw_mark

    .section .text.calib_loop, "ax", %progbits
    .global calib_loop_10
    .type calib_loop_10, %function
    .thumb_func
calib_loop_10:
    movs r0, #10
    b calib_loop
    .size calib_loop_10, . - calib_loop_10
    .global calib_loop_1000
    .type calib_loop_1000, %function
    .thumb_func
calib_loop_1000:
    ldr r0, =1000
    b calib_loop
    .size calib_loop_1000, . - calib_loop_1000
    .type calib_loop, %function
    .thumb_func
calib_loop:
1:  subs r0, r0, #1
    bne 1b
    bx lr
    .size calib_loop, . - calib_loop
    .ltorg

    .section .text.stack_paint, "ax", %progbits
    .global stack_paint
    .type stack_paint, %function
    .thumb_func
stack_paint:
    ldr r1, =_stack_bottom
    ldr r2, =PAINT
1:  cmp r1, r0
    bhs 2f
    str r2, [r1]
    adds r1, r1, #4
    b 1b
2:  bx lr
    .size stack_paint, . - stack_paint

    .section .text.stack_low, "ax", %progbits
    .global stack_low
    .type stack_low, %function
    .thumb_func
stack_low:
    ldr r1, =_stack_bottom
    ldr r2, =PAINT
1:  ldr r3, [r1]
    adds r1, r1, #4
    cmp r3, r2
    beq 1b
    subs r0, r1, #4
    bx lr
    .size stack_low, . - stack_low
    .ltorg
