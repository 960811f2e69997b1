/* Leaf routines that use no stack, so that they do not disturb what they measure. */
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
    .global calib_loop
    .type calib_loop, %function
    .thumb_func
calib_loop:
1:  subs r0, r0, #1
    bne 1b
    bx lr
    .size calib_loop, . - calib_loop

    .section .text.stack_paint, "ax", %progbits
    .global stack_paint
    .type stack_paint, %function
    .thumb_func
stack_paint:
    ldr r1, =_stack_bottom
    ldr r2, =PAINT
1:  cmp r1, r0
    bhs 2f
    str r2, [r1], #4
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
1:  ldr r3, [r1], #4
    cmp r3, r2
    beq 1b
    subs r0, r1, #4
    bx lr
    .size stack_low, . - stack_low
    .ltorg
