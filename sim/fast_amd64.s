//go:build amd64 && !purego

#include "textflag.h"

// func addRowsAVX(dst *float64, n int, rows *unsafe.Pointer, coef *float64, m int)
//
// dst[i] += Σ_k coef[k]·rows[k][i] for i < n, k < m. Rows are taken four at a
// time (their coefficients stay broadcast in Y8–Y11 while dst streams through
// Y0–Y3 in chunks of 16, then 4, then 1 elements), the remaining rows one at a
// time. Needs AVX2 and FMA3.
TEXT ·addRowsAVX(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ rows+16(FP), R8
	MOVQ coef+24(FP), R9
	MOVQ m+32(FP), R10

group4:
	CMPQ R10, $4
	JL   single
	MOVQ 0(R8), R11
	MOVQ 8(R8), R12
	MOVQ 16(R8), R13
	MOVQ 24(R8), BX
	VBROADCASTSD 0(R9), Y8
	VBROADCASTSD 8(R9), Y9
	VBROADCASTSD 16(R9), Y10
	VBROADCASTSD 24(R9), Y11
	XORQ AX, AX
	MOVQ CX, DX

g4x16:
	CMPQ DX, $16
	JL   g4x4
	VMOVUPD 0(DI)(AX*1), Y0
	VMOVUPD 32(DI)(AX*1), Y1
	VMOVUPD 64(DI)(AX*1), Y2
	VMOVUPD 96(DI)(AX*1), Y3
	VFMADD231PD 0(R11)(AX*1), Y8, Y0
	VFMADD231PD 32(R11)(AX*1), Y8, Y1
	VFMADD231PD 64(R11)(AX*1), Y8, Y2
	VFMADD231PD 96(R11)(AX*1), Y8, Y3
	VFMADD231PD 0(R12)(AX*1), Y9, Y0
	VFMADD231PD 32(R12)(AX*1), Y9, Y1
	VFMADD231PD 64(R12)(AX*1), Y9, Y2
	VFMADD231PD 96(R12)(AX*1), Y9, Y3
	VFMADD231PD 0(R13)(AX*1), Y10, Y0
	VFMADD231PD 32(R13)(AX*1), Y10, Y1
	VFMADD231PD 64(R13)(AX*1), Y10, Y2
	VFMADD231PD 96(R13)(AX*1), Y10, Y3
	VFMADD231PD 0(BX)(AX*1), Y11, Y0
	VFMADD231PD 32(BX)(AX*1), Y11, Y1
	VFMADD231PD 64(BX)(AX*1), Y11, Y2
	VFMADD231PD 96(BX)(AX*1), Y11, Y3
	VMOVUPD Y0, 0(DI)(AX*1)
	VMOVUPD Y1, 32(DI)(AX*1)
	VMOVUPD Y2, 64(DI)(AX*1)
	VMOVUPD Y3, 96(DI)(AX*1)
	ADDQ $128, AX
	SUBQ $16, DX
	JMP  g4x16

g4x4:
	CMPQ DX, $4
	JL   g4x1
	VMOVUPD 0(DI)(AX*1), Y0
	VFMADD231PD 0(R11)(AX*1), Y8, Y0
	VFMADD231PD 0(R12)(AX*1), Y9, Y0
	VFMADD231PD 0(R13)(AX*1), Y10, Y0
	VFMADD231PD 0(BX)(AX*1), Y11, Y0
	VMOVUPD Y0, 0(DI)(AX*1)
	ADDQ $32, AX
	SUBQ $4, DX
	JMP  g4x4

g4x1:
	TESTQ DX, DX
	JZ    g4next
	VMOVSD 0(DI)(AX*1), X0
	VFMADD231SD 0(R11)(AX*1), X8, X0
	VFMADD231SD 0(R12)(AX*1), X9, X0
	VFMADD231SD 0(R13)(AX*1), X10, X0
	VFMADD231SD 0(BX)(AX*1), X11, X0
	VMOVSD X0, 0(DI)(AX*1)
	ADDQ $8, AX
	DECQ DX
	JMP  g4x1

g4next:
	ADDQ $32, R8
	ADDQ $32, R9
	SUBQ $4, R10
	JMP  group4

single:
	TESTQ R10, R10
	JZ    done
	MOVQ 0(R8), R11
	VBROADCASTSD 0(R9), Y8
	XORQ AX, AX
	MOVQ CX, DX

s1x16:
	CMPQ DX, $16
	JL   s1x4
	VMOVUPD 0(DI)(AX*1), Y0
	VMOVUPD 32(DI)(AX*1), Y1
	VMOVUPD 64(DI)(AX*1), Y2
	VMOVUPD 96(DI)(AX*1), Y3
	VFMADD231PD 0(R11)(AX*1), Y8, Y0
	VFMADD231PD 32(R11)(AX*1), Y8, Y1
	VFMADD231PD 64(R11)(AX*1), Y8, Y2
	VFMADD231PD 96(R11)(AX*1), Y8, Y3
	VMOVUPD Y0, 0(DI)(AX*1)
	VMOVUPD Y1, 32(DI)(AX*1)
	VMOVUPD Y2, 64(DI)(AX*1)
	VMOVUPD Y3, 96(DI)(AX*1)
	ADDQ $128, AX
	SUBQ $16, DX
	JMP  s1x16

s1x4:
	CMPQ DX, $4
	JL   s1x1
	VMOVUPD 0(DI)(AX*1), Y0
	VFMADD231PD 0(R11)(AX*1), Y8, Y0
	VMOVUPD Y0, 0(DI)(AX*1)
	ADDQ $32, AX
	SUBQ $4, DX
	JMP  s1x4

s1x1:
	TESTQ DX, DX
	JZ    s1next
	VMOVSD 0(DI)(AX*1), X0
	VFMADD231SD 0(R11)(AX*1), X8, X0
	VMOVSD X0, 0(DI)(AX*1)
	ADDQ $8, AX
	DECQ DX
	JMP  s1x1

s1next:
	ADDQ $8, R8
	ADDQ $8, R9
	DECQ R10
	JMP  single

done:
	VZEROUPPER
	RET

// Constants of sigmoidAVX, each repeated in four lanes.
DATA sigC<>+0(SB)/8, $1.4426950408889634
DATA sigC<>+8(SB)/8, $1.4426950408889634
DATA sigC<>+16(SB)/8, $1.4426950408889634
DATA sigC<>+24(SB)/8, $1.4426950408889634
DATA sigC<>+32(SB)/8, $0x3fe62e42fee00000
DATA sigC<>+40(SB)/8, $0x3fe62e42fee00000
DATA sigC<>+48(SB)/8, $0x3fe62e42fee00000
DATA sigC<>+56(SB)/8, $0x3fe62e42fee00000
DATA sigC<>+64(SB)/8, $0x3dea39ef35793c76
DATA sigC<>+72(SB)/8, $0x3dea39ef35793c76
DATA sigC<>+80(SB)/8, $0x3dea39ef35793c76
DATA sigC<>+88(SB)/8, $0x3dea39ef35793c76
DATA sigC<>+96(SB)/8, $708.0
DATA sigC<>+104(SB)/8, $708.0
DATA sigC<>+112(SB)/8, $708.0
DATA sigC<>+120(SB)/8, $708.0
DATA sigC<>+128(SB)/8, $-708.0
DATA sigC<>+136(SB)/8, $-708.0
DATA sigC<>+144(SB)/8, $-708.0
DATA sigC<>+152(SB)/8, $-708.0
DATA sigC<>+160(SB)/8, $1.0
DATA sigC<>+168(SB)/8, $1.0
DATA sigC<>+176(SB)/8, $1.0
DATA sigC<>+184(SB)/8, $1.0
DATA sigC<>+192(SB)/8, $1023
DATA sigC<>+200(SB)/8, $1023
DATA sigC<>+208(SB)/8, $1023
DATA sigC<>+216(SB)/8, $1023
DATA sigC<>+224(SB)/8, $2.08767569878680989792e-09
DATA sigC<>+232(SB)/8, $2.08767569878680989792e-09
DATA sigC<>+240(SB)/8, $2.08767569878680989792e-09
DATA sigC<>+248(SB)/8, $2.08767569878680989792e-09
DATA sigC<>+256(SB)/8, $2.50521083854417187751e-08
DATA sigC<>+264(SB)/8, $2.50521083854417187751e-08
DATA sigC<>+272(SB)/8, $2.50521083854417187751e-08
DATA sigC<>+280(SB)/8, $2.50521083854417187751e-08
DATA sigC<>+288(SB)/8, $2.75573192239858906526e-07
DATA sigC<>+296(SB)/8, $2.75573192239858906526e-07
DATA sigC<>+304(SB)/8, $2.75573192239858906526e-07
DATA sigC<>+312(SB)/8, $2.75573192239858906526e-07
DATA sigC<>+320(SB)/8, $2.75573192239858906526e-06
DATA sigC<>+328(SB)/8, $2.75573192239858906526e-06
DATA sigC<>+336(SB)/8, $2.75573192239858906526e-06
DATA sigC<>+344(SB)/8, $2.75573192239858906526e-06
DATA sigC<>+352(SB)/8, $2.48015873015873015873e-05
DATA sigC<>+360(SB)/8, $2.48015873015873015873e-05
DATA sigC<>+368(SB)/8, $2.48015873015873015873e-05
DATA sigC<>+376(SB)/8, $2.48015873015873015873e-05
DATA sigC<>+384(SB)/8, $1.98412698412698412698e-04
DATA sigC<>+392(SB)/8, $1.98412698412698412698e-04
DATA sigC<>+400(SB)/8, $1.98412698412698412698e-04
DATA sigC<>+408(SB)/8, $1.98412698412698412698e-04
DATA sigC<>+416(SB)/8, $1.38888888888888888889e-03
DATA sigC<>+424(SB)/8, $1.38888888888888888889e-03
DATA sigC<>+432(SB)/8, $1.38888888888888888889e-03
DATA sigC<>+440(SB)/8, $1.38888888888888888889e-03
DATA sigC<>+448(SB)/8, $8.33333333333333333333e-03
DATA sigC<>+456(SB)/8, $8.33333333333333333333e-03
DATA sigC<>+464(SB)/8, $8.33333333333333333333e-03
DATA sigC<>+472(SB)/8, $8.33333333333333333333e-03
DATA sigC<>+480(SB)/8, $4.16666666666666666667e-02
DATA sigC<>+488(SB)/8, $4.16666666666666666667e-02
DATA sigC<>+496(SB)/8, $4.16666666666666666667e-02
DATA sigC<>+504(SB)/8, $4.16666666666666666667e-02
DATA sigC<>+512(SB)/8, $1.66666666666666666667e-01
DATA sigC<>+520(SB)/8, $1.66666666666666666667e-01
DATA sigC<>+528(SB)/8, $1.66666666666666666667e-01
DATA sigC<>+536(SB)/8, $1.66666666666666666667e-01
DATA sigC<>+544(SB)/8, $0.5
DATA sigC<>+552(SB)/8, $0.5
DATA sigC<>+560(SB)/8, $0.5
DATA sigC<>+568(SB)/8, $0.5
GLOBL sigC<>(SB), RODATA|NOPTR, $576

// func sigmoidAVX(dst, x *float64, n int, scale float64)
//
// dst[i] = scale/(1+e^{−x[i]}) for i < n, n a multiple of 16. e^y is
// 2^k·p(r) with k = round(y·log2 e), r = y − k·ln2 (two-part ln2, |r| ≤ 0.35)
// and p the degree-12 Taylor polynomial (truncation < 2e-16 relative); y is
// clamped to [−708, 708] so that 2^k stays a normal number. The clamps keep
// NaN (min/max return their second operand then), so NaN stays NaN.
// Four independent groups of four are interleaved to hide the FMA latency.
TEXT ·sigmoidAVX(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSD scale+24(FP), Y15
	VMOVUPD sigC<>+96(SB), Y12  // 708
	VMOVUPD sigC<>+128(SB), Y13 // −708
	XORQ AX, AX

loop:
	CMPQ CX, $16
	JL   done
	VMOVUPD 0(SI)(AX*1), Y0
	VMOVUPD 32(SI)(AX*1), Y3
	VMOVUPD 64(SI)(AX*1), Y6
	VMOVUPD 96(SI)(AX*1), Y9
	VXORPD Y1, Y1, Y1
	VXORPD Y4, Y4, Y4
	VXORPD Y7, Y7, Y7
	VXORPD Y10, Y10, Y10
	VSUBPD Y0, Y1, Y0
	VSUBPD Y3, Y4, Y3
	VSUBPD Y6, Y7, Y6
	VSUBPD Y9, Y10, Y9
	VMINPD Y0, Y12, Y0
	VMINPD Y3, Y12, Y3
	VMINPD Y6, Y12, Y6
	VMINPD Y9, Y12, Y9
	VMAXPD Y0, Y13, Y0
	VMAXPD Y3, Y13, Y3
	VMAXPD Y6, Y13, Y6
	VMAXPD Y9, Y13, Y9
	VMULPD sigC<>+0(SB), Y0, Y1
	VMULPD sigC<>+0(SB), Y3, Y4
	VMULPD sigC<>+0(SB), Y6, Y7
	VMULPD sigC<>+0(SB), Y9, Y10
	VROUNDPD $0, Y1, Y1
	VROUNDPD $0, Y4, Y4
	VROUNDPD $0, Y7, Y7
	VROUNDPD $0, Y10, Y10
	VFNMADD231PD sigC<>+32(SB), Y1, Y0
	VFNMADD231PD sigC<>+32(SB), Y4, Y3
	VFNMADD231PD sigC<>+32(SB), Y7, Y6
	VFNMADD231PD sigC<>+32(SB), Y10, Y9
	VFNMADD231PD sigC<>+64(SB), Y1, Y0
	VFNMADD231PD sigC<>+64(SB), Y4, Y3
	VFNMADD231PD sigC<>+64(SB), Y7, Y6
	VFNMADD231PD sigC<>+64(SB), Y10, Y9
	VCVTPD2DQY Y1, X2
	VCVTPD2DQY Y4, X5
	VCVTPD2DQY Y7, X8
	VCVTPD2DQY Y10, X11
	VPMOVSXDQ X2, Y1
	VPMOVSXDQ X5, Y4
	VPMOVSXDQ X8, Y7
	VPMOVSXDQ X11, Y10
	VPADDQ sigC<>+192(SB), Y1, Y1
	VPADDQ sigC<>+192(SB), Y4, Y4
	VPADDQ sigC<>+192(SB), Y7, Y7
	VPADDQ sigC<>+192(SB), Y10, Y10
	VPSLLQ $52, Y1, Y1
	VPSLLQ $52, Y4, Y4
	VPSLLQ $52, Y7, Y7
	VPSLLQ $52, Y10, Y10
	VMOVUPD sigC<>+224(SB), Y2
	VMOVUPD sigC<>+224(SB), Y5
	VMOVUPD sigC<>+224(SB), Y8
	VMOVUPD sigC<>+224(SB), Y11
	VFMADD213PD sigC<>+256(SB), Y0, Y2
	VFMADD213PD sigC<>+256(SB), Y3, Y5
	VFMADD213PD sigC<>+256(SB), Y6, Y8
	VFMADD213PD sigC<>+256(SB), Y9, Y11
	VFMADD213PD sigC<>+288(SB), Y0, Y2
	VFMADD213PD sigC<>+288(SB), Y3, Y5
	VFMADD213PD sigC<>+288(SB), Y6, Y8
	VFMADD213PD sigC<>+288(SB), Y9, Y11
	VFMADD213PD sigC<>+320(SB), Y0, Y2
	VFMADD213PD sigC<>+320(SB), Y3, Y5
	VFMADD213PD sigC<>+320(SB), Y6, Y8
	VFMADD213PD sigC<>+320(SB), Y9, Y11
	VFMADD213PD sigC<>+352(SB), Y0, Y2
	VFMADD213PD sigC<>+352(SB), Y3, Y5
	VFMADD213PD sigC<>+352(SB), Y6, Y8
	VFMADD213PD sigC<>+352(SB), Y9, Y11
	VFMADD213PD sigC<>+384(SB), Y0, Y2
	VFMADD213PD sigC<>+384(SB), Y3, Y5
	VFMADD213PD sigC<>+384(SB), Y6, Y8
	VFMADD213PD sigC<>+384(SB), Y9, Y11
	VFMADD213PD sigC<>+416(SB), Y0, Y2
	VFMADD213PD sigC<>+416(SB), Y3, Y5
	VFMADD213PD sigC<>+416(SB), Y6, Y8
	VFMADD213PD sigC<>+416(SB), Y9, Y11
	VFMADD213PD sigC<>+448(SB), Y0, Y2
	VFMADD213PD sigC<>+448(SB), Y3, Y5
	VFMADD213PD sigC<>+448(SB), Y6, Y8
	VFMADD213PD sigC<>+448(SB), Y9, Y11
	VFMADD213PD sigC<>+480(SB), Y0, Y2
	VFMADD213PD sigC<>+480(SB), Y3, Y5
	VFMADD213PD sigC<>+480(SB), Y6, Y8
	VFMADD213PD sigC<>+480(SB), Y9, Y11
	VFMADD213PD sigC<>+512(SB), Y0, Y2
	VFMADD213PD sigC<>+512(SB), Y3, Y5
	VFMADD213PD sigC<>+512(SB), Y6, Y8
	VFMADD213PD sigC<>+512(SB), Y9, Y11
	VFMADD213PD sigC<>+544(SB), Y0, Y2
	VFMADD213PD sigC<>+544(SB), Y3, Y5
	VFMADD213PD sigC<>+544(SB), Y6, Y8
	VFMADD213PD sigC<>+544(SB), Y9, Y11
	VFMADD213PD sigC<>+160(SB), Y0, Y2
	VFMADD213PD sigC<>+160(SB), Y3, Y5
	VFMADD213PD sigC<>+160(SB), Y6, Y8
	VFMADD213PD sigC<>+160(SB), Y9, Y11
	VFMADD213PD sigC<>+160(SB), Y0, Y2
	VFMADD213PD sigC<>+160(SB), Y3, Y5
	VFMADD213PD sigC<>+160(SB), Y6, Y8
	VFMADD213PD sigC<>+160(SB), Y9, Y11
	VMULPD Y1, Y2, Y2
	VMULPD Y4, Y5, Y5
	VMULPD Y7, Y8, Y8
	VMULPD Y10, Y11, Y11
	VADDPD sigC<>+160(SB), Y2, Y2
	VADDPD sigC<>+160(SB), Y5, Y5
	VADDPD sigC<>+160(SB), Y8, Y8
	VADDPD sigC<>+160(SB), Y11, Y11
	VDIVPD Y2, Y15, Y2
	VDIVPD Y5, Y15, Y5
	VDIVPD Y8, Y15, Y8
	VDIVPD Y11, Y15, Y11
	VMOVUPD Y2, 0(DI)(AX*1)
	VMOVUPD Y5, 32(DI)(AX*1)
	VMOVUPD Y8, 64(DI)(AX*1)
	VMOVUPD Y11, 96(DI)(AX*1)
	ADDQ $128, AX
	SUBQ $16, CX
	JMP  loop

done:
	VZEROUPPER
	RET

DATA tailC<>+0(SB)/8, $0
DATA tailC<>+8(SB)/8, $1
DATA tailC<>+16(SB)/8, $2
DATA tailC<>+24(SB)/8, $3
GLOBL tailC<>(SB), RODATA|NOPTR, $32

// func sumRowsAVX(dst, base *float64, n int, rows *unsafe.Pointer, coef *float64, m int)
//
// dst[i] = base[i] + Σ_k coef[k]·rows[k][i] for i < n (base nil: 0), added
// in row order. Chunks of dst (32, 16, then the last r < 16 elements under
// a lane mask) stay in Y0–Y7 while all rows are added, so dst is written
// once and base read once.
// Needs AVX2 and FMA3.
TEXT ·sumRowsAVX(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ base+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ rows+24(FP), R8
	MOVQ coef+32(FP), R9
	MOVQ m+40(FP), R10
	XORQ AX, AX

c32:
	CMPQ CX, $32
	JL   c16
	TESTQ SI, SI
	JZ   c32zero
	VMOVUPD 0(SI)(AX*1), Y0
	VMOVUPD 32(SI)(AX*1), Y1
	VMOVUPD 64(SI)(AX*1), Y2
	VMOVUPD 96(SI)(AX*1), Y3
	VMOVUPD 128(SI)(AX*1), Y4
	VMOVUPD 160(SI)(AX*1), Y5
	VMOVUPD 192(SI)(AX*1), Y6
	VMOVUPD 224(SI)(AX*1), Y7
	JMP  c32rows

c32zero:
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7

c32rows:
	XORQ BX, BX

c32row:
	CMPQ BX, R10
	JGE  c32store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSD (R9)(BX*8), Y8
	VFMADD231PD 0(DX)(AX*1), Y8, Y0
	VFMADD231PD 32(DX)(AX*1), Y8, Y1
	VFMADD231PD 64(DX)(AX*1), Y8, Y2
	VFMADD231PD 96(DX)(AX*1), Y8, Y3
	VFMADD231PD 128(DX)(AX*1), Y8, Y4
	VFMADD231PD 160(DX)(AX*1), Y8, Y5
	VFMADD231PD 192(DX)(AX*1), Y8, Y6
	VFMADD231PD 224(DX)(AX*1), Y8, Y7
	INCQ BX
	JMP  c32row

c32store:
	VMOVUPD Y0, 0(DI)(AX*1)
	VMOVUPD Y1, 32(DI)(AX*1)
	VMOVUPD Y2, 64(DI)(AX*1)
	VMOVUPD Y3, 96(DI)(AX*1)
	VMOVUPD Y4, 128(DI)(AX*1)
	VMOVUPD Y5, 160(DI)(AX*1)
	VMOVUPD Y6, 192(DI)(AX*1)
	VMOVUPD Y7, 224(DI)(AX*1)
	ADDQ $256, AX
	SUBQ $32, CX
	JMP  c32

c16:
	CMPQ CX, $16
	JL   tail
	TESTQ SI, SI
	JZ   c16zero
	VMOVUPD 0(SI)(AX*1), Y0
	VMOVUPD 32(SI)(AX*1), Y1
	VMOVUPD 64(SI)(AX*1), Y2
	VMOVUPD 96(SI)(AX*1), Y3
	JMP  c16rows

c16zero:
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3

c16rows:
	XORQ BX, BX

c16row:
	CMPQ BX, R10
	JGE  c16store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSD (R9)(BX*8), Y8
	VFMADD231PD 0(DX)(AX*1), Y8, Y0
	VFMADD231PD 32(DX)(AX*1), Y8, Y1
	VFMADD231PD 64(DX)(AX*1), Y8, Y2
	VFMADD231PD 96(DX)(AX*1), Y8, Y3
	INCQ BX
	JMP  c16row

c16store:
	VMOVUPD Y0, 0(DI)(AX*1)
	VMOVUPD Y1, 32(DI)(AX*1)
	VMOVUPD Y2, 64(DI)(AX*1)
	VMOVUPD Y3, 96(DI)(AX*1)
	ADDQ $128, AX
	SUBQ $16, CX
	JMP  c16

// The last r < 16 elements in one pass over the rows: ⌈r/4⌉ vectors, the
// last one loaded and stored through a lane mask (the masked-off lanes are
// neither read nor written), so a short dst (the output layer's) is summed
// in a single pass, with the same fused multiply-adds in the same order.
tail:
	TESTQ CX, CX
	JZ   sdone
	LEAQ -1(CX), DX
	ANDQ $3, DX
	INCQ DX                         // lanes of the last vector, 1…4
	VMOVQ DX, X9
	VPBROADCASTQ X9, Y9
	VMOVDQU tailC<>(SB), Y10        // 0, 1, 2, 3
	VPCMPGTQ Y10, Y9, Y9            // lane mask: lane < lanes
	CMPQ CX, $4
	JLE  t1
	CMPQ CX, $8
	JLE  t2
	CMPQ CX, $12
	JLE  t3
	JMP  t4

t1:
	TESTQ SI, SI
	JZ   t1zero
	VMASKMOVPD 0(SI)(AX*1), Y9, Y0
	JMP  t1rows

t1zero:
	VXORPD Y0, Y0, Y0

t1rows:
	XORQ BX, BX

t1row:
	CMPQ BX, R10
	JGE  t1store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSD (R9)(BX*8), Y8
	VMASKMOVPD 0(DX)(AX*1), Y9, Y10
	VFMADD231PD Y10, Y8, Y0
	INCQ BX
	JMP  t1row

t1store:
	VMASKMOVPD Y0, Y9, 0(DI)(AX*1)
	JMP  sdone

t2:
	TESTQ SI, SI
	JZ   t2zero
	VMOVUPD 0(SI)(AX*1), Y0
	VMASKMOVPD 32(SI)(AX*1), Y9, Y1
	JMP  t2rows

t2zero:
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1

t2rows:
	XORQ BX, BX

t2row:
	CMPQ BX, R10
	JGE  t2store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSD (R9)(BX*8), Y8
	VFMADD231PD 0(DX)(AX*1), Y8, Y0
	VMASKMOVPD 32(DX)(AX*1), Y9, Y10
	VFMADD231PD Y10, Y8, Y1
	INCQ BX
	JMP  t2row

t2store:
	VMOVUPD Y0, 0(DI)(AX*1)
	VMASKMOVPD Y1, Y9, 32(DI)(AX*1)
	JMP  sdone

t3:
	TESTQ SI, SI
	JZ   t3zero
	VMOVUPD 0(SI)(AX*1), Y0
	VMOVUPD 32(SI)(AX*1), Y1
	VMASKMOVPD 64(SI)(AX*1), Y9, Y2
	JMP  t3rows

t3zero:
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2

t3rows:
	XORQ BX, BX

t3row:
	CMPQ BX, R10
	JGE  t3store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSD (R9)(BX*8), Y8
	VFMADD231PD 0(DX)(AX*1), Y8, Y0
	VFMADD231PD 32(DX)(AX*1), Y8, Y1
	VMASKMOVPD 64(DX)(AX*1), Y9, Y10
	VFMADD231PD Y10, Y8, Y2
	INCQ BX
	JMP  t3row

t3store:
	VMOVUPD Y0, 0(DI)(AX*1)
	VMOVUPD Y1, 32(DI)(AX*1)
	VMASKMOVPD Y2, Y9, 64(DI)(AX*1)
	JMP  sdone

t4:
	TESTQ SI, SI
	JZ   t4zero
	VMOVUPD 0(SI)(AX*1), Y0
	VMOVUPD 32(SI)(AX*1), Y1
	VMOVUPD 64(SI)(AX*1), Y2
	VMASKMOVPD 96(SI)(AX*1), Y9, Y3
	JMP  t4rows

t4zero:
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3

t4rows:
	XORQ BX, BX

t4row:
	CMPQ BX, R10
	JGE  t4store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSD (R9)(BX*8), Y8
	VFMADD231PD 0(DX)(AX*1), Y8, Y0
	VFMADD231PD 32(DX)(AX*1), Y8, Y1
	VFMADD231PD 64(DX)(AX*1), Y8, Y2
	VMASKMOVPD 96(DX)(AX*1), Y9, Y10
	VFMADD231PD Y10, Y8, Y3
	INCQ BX
	JMP  t4row

t4store:
	VMOVUPD Y0, 0(DI)(AX*1)
	VMOVUPD Y1, 32(DI)(AX*1)
	VMOVUPD Y2, 64(DI)(AX*1)
	VMASKMOVPD Y3, Y9, 96(DI)(AX*1)
	JMP  sdone
sdone:
	VZEROUPPER
	RET

// Constants of spikeCandAVX.
DATA candC<>+0(SB)/4, $0x9e3779b9   // index multiplier
DATA candC<>+4(SB)/4, $0x7feb352d   // lowbias32 multipliers
DATA candC<>+8(SB)/4, $0x846ca68b
DATA candC<>+12(SB)/4, $8
DATA candC<>+16(SB)/8, $1.0
DATA candC<>+24(SB)/8, $2147483648.0 // 2^31
DATA candC<>+32(SB)/4, $0
DATA candC<>+36(SB)/4, $1
DATA candC<>+40(SB)/4, $2
DATA candC<>+44(SB)/4, $3
DATA candC<>+48(SB)/4, $4
DATA candC<>+52(SB)/4, $5
DATA candC<>+56(SB)/4, $6
DATA candC<>+60(SB)/4, $7
GLOBL candC<>(SB), RODATA|NOPTR, $64

// func spikeCandAVX(lam *float64, u31 *uint32, mask *byte, n int, kLo, kHi uint32)
//
// For units i < n (n a multiple of 8): u31[i] = unitBits(i, kLo, kHi) (see
// fast.go) and bit i of mask = (u31[i]+1 > (1−lam[i])·2^31), one byte per
// eight units. Needs AVX2.
TEXT ·spikeCandAVX(SB), NOSPLIT, $0-40
	MOVQ lam+0(FP), SI
	MOVQ u31+8(FP), DI
	MOVQ mask+16(FP), DX
	MOVQ n+24(FP), CX
	MOVL kLo+32(FP), R11
	VMOVD R11, X12
	VPBROADCASTD X12, Y12
	MOVL kHi+36(FP), R11
	VMOVD R11, X9
	VPBROADCASTD X9, Y9
	VPBROADCASTD candC<>+0(SB), Y13
	VPBROADCASTD candC<>+4(SB), Y11
	VPBROADCASTD candC<>+8(SB), Y10
	VPBROADCASTD candC<>+12(SB), Y14
	VBROADCASTSD candC<>+16(SB), Y8
	VBROADCASTSD candC<>+24(SB), Y7
	VMOVDQU candC<>+32(SB), Y0      // indices 0…7
	XORQ AX, AX                     // unit index

cloop:
	CMPQ CX, $16
	JL   csingle
	VPADDD  Y14, Y0, Y3             // indices of the second group
	VPMULLD Y13, Y0, Y1
	VPMULLD Y13, Y3, Y3
	VPXOR   Y12, Y1, Y1
	VPXOR   Y12, Y3, Y3
	VPSRLD  $16, Y1, Y2
	VPSRLD  $16, Y3, Y4
	VPXOR   Y2, Y1, Y1
	VPXOR   Y4, Y3, Y3
	VPMULLD Y11, Y1, Y1
	VPMULLD Y11, Y3, Y3
	VPSRLD  $15, Y1, Y2
	VPSRLD  $15, Y3, Y4
	VPXOR   Y2, Y1, Y1
	VPXOR   Y4, Y3, Y3
	VPMULLD Y10, Y1, Y1
	VPMULLD Y10, Y3, Y3
	VPSRLD  $16, Y1, Y2
	VPSRLD  $16, Y3, Y4
	VPXOR   Y2, Y1, Y1
	VPXOR   Y4, Y3, Y3
	VPXOR   Y9, Y1, Y1
	VPXOR   Y9, Y3, Y3
	VPSRLD  $16, Y1, Y2
	VPSRLD  $16, Y3, Y4
	VPXOR   Y2, Y1, Y1
	VPXOR   Y4, Y3, Y3
	VPMULLD Y11, Y1, Y1
	VPMULLD Y11, Y3, Y3
	VPSRLD  $15, Y1, Y2
	VPSRLD  $15, Y3, Y4
	VPXOR   Y2, Y1, Y1
	VPXOR   Y4, Y3, Y3
	VPMULLD Y10, Y1, Y1
	VPMULLD Y10, Y3, Y3
	VPSRLD  $16, Y1, Y2
	VPSRLD  $16, Y3, Y4
	VPXOR   Y2, Y1, Y1
	VPXOR   Y4, Y3, Y3
	VPSRLD  $1, Y1, Y1              // u31, units i…i+7
	VPSRLD  $1, Y3, Y3              // u31, units i+8…i+15
	VMOVDQU Y1, (DI)(AX*4)
	VMOVDQU Y3, 32(DI)(AX*4)
	// candidates of the first group
	VCVTDQ2PD X1, Y2
	VEXTRACTI128 $1, Y1, X4
	VCVTDQ2PD X4, Y4
	VADDPD  Y8, Y2, Y2
	VADDPD  Y8, Y4, Y4
	VMOVUPD (SI)(AX*8), Y5
	VMOVUPD 32(SI)(AX*8), Y6
	VSUBPD  Y5, Y8, Y5
	VSUBPD  Y6, Y8, Y6
	VMULPD  Y7, Y5, Y5
	VMULPD  Y7, Y6, Y6
	VCMPPD  $0x1e, Y5, Y2, Y2
	VCMPPD  $0x1e, Y6, Y4, Y4
	VMOVMSKPD Y2, R11
	VMOVMSKPD Y4, R12
	SHLQ $4, R12
	ORQ  R12, R11
	// candidates of the second group
	VCVTDQ2PD X3, Y2
	VEXTRACTI128 $1, Y3, X4
	VCVTDQ2PD X4, Y4
	VADDPD  Y8, Y2, Y2
	VADDPD  Y8, Y4, Y4
	VMOVUPD 64(SI)(AX*8), Y5
	VMOVUPD 96(SI)(AX*8), Y6
	VSUBPD  Y5, Y8, Y5
	VSUBPD  Y6, Y8, Y6
	VMULPD  Y7, Y5, Y5
	VMULPD  Y7, Y6, Y6
	VCMPPD  $0x1e, Y5, Y2, Y2
	VCMPPD  $0x1e, Y6, Y4, Y4
	VMOVMSKPD Y2, R12
	VMOVMSKPD Y4, R13
	SHLQ $4, R13
	ORQ  R13, R12
	SHLQ $8, R12
	ORQ  R12, R11
	MOVQ AX, R13
	SHRQ $3, R13
	MOVW R11, (DX)(R13*1)
	VPADDD Y14, Y0, Y0
	VPADDD Y14, Y0, Y0              // next indices: i+16
	ADDQ $16, AX
	SUBQ $16, CX
	JMP  cloop

csingle:
	CMPQ CX, $8
	JL   cdone
	VPMULLD Y13, Y0, Y1
	VPXOR   Y12, Y1, Y1
	VPSRLD  $16, Y1, Y2
	VPXOR   Y2, Y1, Y1
	VPMULLD Y11, Y1, Y1
	VPSRLD  $15, Y1, Y2
	VPXOR   Y2, Y1, Y1
	VPMULLD Y10, Y1, Y1
	VPSRLD  $16, Y1, Y2
	VPXOR   Y2, Y1, Y1
	VPXOR   Y9, Y1, Y1
	VPSRLD  $16, Y1, Y2
	VPXOR   Y2, Y1, Y1
	VPMULLD Y11, Y1, Y1
	VPSRLD  $15, Y1, Y2
	VPXOR   Y2, Y1, Y1
	VPMULLD Y10, Y1, Y1
	VPSRLD  $16, Y1, Y2
	VPXOR   Y2, Y1, Y1
	VPSRLD  $1, Y1, Y1              // u31
	VMOVDQU Y1, (DI)(AX*4)
	VCVTDQ2PD X1, Y3
	VEXTRACTI128 $1, Y1, X4
	VCVTDQ2PD X4, Y4
	VADDPD  Y8, Y3, Y3              // u31+1
	VADDPD  Y8, Y4, Y4
	VMOVUPD (SI)(AX*8), Y5
	VMOVUPD 32(SI)(AX*8), Y6
	VSUBPD  Y5, Y8, Y5              // 1−λ
	VSUBPD  Y6, Y8, Y6
	VMULPD  Y7, Y5, Y5              // ·2^31
	VMULPD  Y7, Y6, Y6
	VCMPPD  $0x1e, Y5, Y3, Y3       // u31+1 > (1−λ)·2^31
	VCMPPD  $0x1e, Y6, Y4, Y4
	VMOVMSKPD Y3, R11
	VMOVMSKPD Y4, R12
	SHLQ $4, R12
	ORQ  R12, R11
	MOVQ AX, R13
	SHRQ $3, R13
	MOVB R11, (DX)(R13*1)
	VPADDD Y14, Y0, Y0
	ADDQ $8, AX
	SUBQ $8, CX
	JMP  csingle

cdone:
	VZEROUPPER
	RET

// func traceStepAVX(x1, x2, dst, base, pnew, slot *float64, n int, a1, a2, c1, c2, gain float64)
//
// One step of the two exponential traces behind the PSP-kernel sum, for
// i < n: old = slot[i], slot[i] = pnew[i], x1[i] = a1·(x1[i] + pnew[i] −
// c1·old), x2[i] likewise with a2, c2, and dst[i] = base[i] + gain·(x1[i] −
// x2[i]). Needs AVX2 and FMA3.
TEXT ·traceStepAVX(SB), NOSPLIT, $0-96
	MOVQ x1+0(FP), DI
	MOVQ x2+8(FP), SI
	MOVQ dst+16(FP), DX
	MOVQ base+24(FP), R8
	MOVQ pnew+32(FP), R9
	MOVQ slot+40(FP), R10
	MOVQ n+48(FP), CX
	VBROADCASTSD a1+56(FP), Y8
	VBROADCASTSD a2+64(FP), Y9
	VBROADCASTSD c1+72(FP), Y10
	VBROADCASTSD c2+80(FP), Y11
	VBROADCASTSD gain+88(FP), Y12
	XORQ AX, AX

t4:
	CMPQ CX, $4
	JL   t1
	VMOVUPD (R10)(AX*1), Y0
	VMOVUPD (R9)(AX*1), Y1
	VMOVUPD Y1, (R10)(AX*1)
	VADDPD  (DI)(AX*1), Y1, Y2
	VFNMADD231PD Y10, Y0, Y2
	VMULPD  Y8, Y2, Y2
	VMOVUPD Y2, (DI)(AX*1)
	VADDPD  (SI)(AX*1), Y1, Y3
	VFNMADD231PD Y11, Y0, Y3
	VMULPD  Y9, Y3, Y3
	VMOVUPD Y3, (SI)(AX*1)
	VSUBPD  Y3, Y2, Y4
	VMOVUPD (R8)(AX*1), Y5
	VFMADD231PD Y12, Y4, Y5
	VMOVUPD Y5, (DX)(AX*1)
	ADDQ $32, AX
	SUBQ $4, CX
	JMP  t4

t1:
	TESTQ CX, CX
	JZ   tdone
	VMOVSD (R10)(AX*1), X0
	VMOVSD (R9)(AX*1), X1
	VMOVSD X1, (R10)(AX*1)
	VADDSD (DI)(AX*1), X1, X2
	VFNMADD231SD X10, X0, X2
	VMULSD X8, X2, X2
	VMOVSD X2, (DI)(AX*1)
	VADDSD (SI)(AX*1), X1, X3
	VFNMADD231SD X11, X0, X3
	VMULSD X9, X3, X3
	VMOVSD X3, (SI)(AX*1)
	VSUBSD X3, X2, X4
	VMOVSD (R8)(AX*1), X5
	VFMADD231SD X12, X4, X5
	VMOVSD X5, (DX)(AX*1)
	ADDQ $8, AX
	DECQ CX
	JMP  t1

tdone:
	VZEROUPPER
	RET

// func somaAVX(C, B, A *float64, n int, gL, gB, gA float64)
//
// C[i] += −gL·C[i] + gB·(B[i]−C[i]) + gA·(A[i]−C[i]) for i < n. Needs AVX2, FMA3.
TEXT ·somaAVX(SB), NOSPLIT, $0-56
	MOVQ C+0(FP), DI
	MOVQ B+8(FP), SI
	MOVQ A+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSD gL+32(FP), Y8
	VBROADCASTSD gB+40(FP), Y9
	VBROADCASTSD gA+48(FP), Y10
	VXORPD Y11, Y11, Y11
	VSUBPD Y8, Y11, Y8              // −gL
	XORQ AX, AX

m4:
	CMPQ CX, $4
	JL   m1
	VMOVUPD (DI)(AX*1), Y0          // c
	VMOVUPD (SI)(AX*1), Y1
	VSUBPD  Y0, Y1, Y1              // B−c
	VMOVUPD (DX)(AX*1), Y2
	VSUBPD  Y0, Y2, Y2              // A−c
	VMULPD  Y8, Y0, Y3              // −gL·c
	VFMADD231PD Y9, Y1, Y3          // + gB(B−c)
	VFMADD231PD Y10, Y2, Y3         // + gA(A−c)
	VADDPD  Y3, Y0, Y0
	VMOVUPD Y0, (DI)(AX*1)
	ADDQ $32, AX
	SUBQ $4, CX
	JMP  m4

m1:
	TESTQ CX, CX
	JZ   mdone
	VMOVSD (DI)(AX*1), X0
	VMOVSD (SI)(AX*1), X1
	VSUBSD X0, X1, X1
	VMOVSD (DX)(AX*1), X2
	VSUBSD X0, X2, X2
	VMULSD X8, X0, X3
	VFMADD231SD X9, X1, X3
	VFMADD231SD X10, X2, X3
	VADDSD X3, X0, X0
	VMOVSD X0, (DI)(AX*1)
	ADDQ $8, AX
	DECQ CX
	JMP  m1

mdone:
	VZEROUPPER
	RET

// func addOuterAVX(w *float64, n, m int, p *float64, scale float64, delta *float64)
//
// For rows j < m with p[j] ≠ 0: w[j·n+i] += (scale·p[j])·delta[i], i < n —
// the rank-one update of a layer with short rows (the output layer), a row
// at a time in chunks of 4, 2 and 1. Needs AVX2 and FMA3.
TEXT ·addOuterAVX(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ m+16(FP), R10
	MOVQ p+24(FP), R9
	VBROADCASTSD scale+32(FP), Y9
	MOVQ delta+40(FP), SI
	MOVQ CX, R11
	SHLQ $3, R11                    // row length in bytes
	VXORPD X10, X10, X10

orow:
	TESTQ R10, R10
	JZ   odone
	VMOVSD (R9), X8
	VUCOMISD X10, X8
	JNE  ouse
	JPS  ouse                       // NaN: use it, as the Go loop would
	JMP  onext

ouse:
	VBROADCASTSD (R9), Y8
	VMULPD Y9, Y8, Y8               // a = scale·p[j]
	XORQ AX, AX
	MOVQ CX, DX

o4:
	CMPQ DX, $4
	JL   o2
	VMOVUPD (DI)(AX*1), Y0
	VFMADD231PD (SI)(AX*1), Y8, Y0
	VMOVUPD Y0, (DI)(AX*1)
	ADDQ $32, AX
	SUBQ $4, DX
	JMP  o4

o2:
	CMPQ DX, $2
	JL   o1
	VMOVUPD (DI)(AX*1), X0
	VFMADD231PD (SI)(AX*1), X8, X0
	VMOVUPD X0, (DI)(AX*1)
	ADDQ $16, AX
	SUBQ $2, DX

o1:
	TESTQ DX, DX
	JZ   onext
	VMOVSD (DI)(AX*1), X0
	VFMADD231SD (SI)(AX*1), X8, X0
	VMOVSD X0, (DI)(AX*1)

onext:
	ADDQ R11, DI
	ADDQ $8, R9
	DECQ R10
	JMP  orow

odone:
	VZEROUPPER
	RET

// Constants of spikeSettleAVX (float64).
DATA settleC<>+0(SB)/8, $0x3ff0000000000000  // 1
DATA settleC<>+8(SB)/8, $0x41e0000000000000  // 2^31
DATA settleC<>+16(SB)/8, $0x3e00000000000000 // 2^-31
DATA settleC<>+24(SB)/8, $0x3fe0000000000000 // 0.5
DATA settleC<>+32(SB)/8, $0x3fc5555555555555 // 1.0/6
DATA settleC<>+40(SB)/8, $0x3fd5555555555555 // 1.0/3
DATA settleC<>+48(SB)/8, $0x3fa5555555555555 // 1.0/24
DATA settleC<>+56(SB)/8, $0x3cd0000000000000 // 2^-50
DATA settleC<>+64(SB)/8, $0x3fc0000000000000 // 0.125
GLOBL settleC<>(SB), RODATA|NOPTR, $72

// SETTLE4 settles four units: lam at off8(SI), bits at off4(DI); it leaves
// the keep bits (candidate and not settled as 0) in keep and the hard bits
// (candidate, settled neither as 0 nor as 1) in hard. The arithmetic is
// countFromBits' (fast.go), operation for operation, without fused
// multiply-adds, so both settle every unit alike.
#define SETTLE4(off4, off8, keep, hard) \
	VCVTDQ2PD off4(DI)(AX*4), Y0 /* b */; \
	VMOVUPD off8(SI)(AX*8), Y1 /* λ */; \
	VADDPD Y8, Y0, Y2 /* b+1 */; \
	VSUBPD Y1, Y8, Y3 /* 1−λ */; \
	VMULPD Y9, Y3, Y3; \
	VCMPPD $0x1e, Y3, Y2, Y2 /* candidate: b+1 > (1−λ)·2^31 */; \
	VMULPD Y10, Y0, Y0 /* lo = b·2^−31 */; \
	VMULPD Y1, Y1, Y3 /* l2 = λ² */; \
	VMULPD Y12, Y1, Y4; \
	VSUBPD Y4, Y11, Y4 /* 0.5 − λ/6 */; \
	VMULPD Y4, Y3, Y4; \
	VSUBPD Y1, Y8, Y5; \
	VADDPD Y4, Y5, Y5 /* lo0 = (1−λ) + l2·(0.5−λ/6) */; \
	VMULPD Y3, Y3, Y6 /* l2·l2 */; \
	VMULPD Y14, Y6, Y4; \
	VADDPD Y4, Y5, Y4; \
	VADDPD Y15, Y4, Y4 /* lo0 + l2²/24 + 2^−50 */; \
	VCMPPD $0x1d, Y4, Y0, Y4 /* lo ≥ that */; \
	VADDPD Y10, Y0, Y0 /* hi = lo + 2^−31 */; \
	VMULPD Y13, Y1, Y7; \
	VSUBPD Y7, Y11, Y7 /* 0.5 − λ/3 */; \
	VMULPD Y7, Y3, Y7; \
	VSUBPD Y7, Y8, Y7 /* 1 − l2·(0.5−λ/3) */; \
	VBROADCASTSD settleC<>+64(SB), Y3; \
	VMULPD Y3, Y6, Y6; \
	VSUBPD Y6, Y7, Y7; \
	VSUBPD Y15, Y7, Y7 /* … − l2²/8 − 2^−50 */; \
	VCMPPD $0x12, Y7, Y0, Y7 /* hi ≤ that */; \
	VANDPD Y7, Y4, Y4 /* settled as 1 */; \
	VSUBPD Y15, Y5, Y5; \
	VCMPPD $0x12, Y5, Y0, Y5 /* settled as 0: hi ≤ lo0 − 2^−50 */; \
	VANDNPD Y2, Y5, Y6 /* candidate, not 0 */; \
	VANDNPD Y6, Y4, Y7 /* … and not 1: hard */; \
	VANDPD Y2, Y4, Y4; \
	VORPD Y4, Y6, Y6 /* keep: candidate and (1 or not 0) */; \
	VMOVMSKPD Y6, keep; \
	VMOVMSKPD Y7, hard

// func spikeSettleAVX(lam *float64, u31 *uint32, mask, hard *byte, n int)
//
// For units i < n (n a multiple of 8), with b = u31[i] and λ = lam[i]: bit
// i of mask = candidate (b+1 > (1−λ)·2^31) and not settled as count 0 by
// countFromBits(b, λ); bit i of hard = candidate and settled neither as 0
// nor as 1. A mask bit without a hard bit is a spike of count 1. One byte
// of each per eight units. Needs AVX2.
TEXT ·spikeSettleAVX(SB), NOSPLIT, $0-40
	MOVQ lam+0(FP), SI
	MOVQ u31+8(FP), DI
	MOVQ mask+16(FP), DX
	MOVQ hard+24(FP), BX
	MOVQ n+32(FP), CX
	VBROADCASTSD settleC<>+0(SB), Y8
	VBROADCASTSD settleC<>+8(SB), Y9
	VBROADCASTSD settleC<>+16(SB), Y10
	VBROADCASTSD settleC<>+24(SB), Y11
	VBROADCASTSD settleC<>+32(SB), Y12
	VBROADCASTSD settleC<>+40(SB), Y13
	VBROADCASTSD settleC<>+48(SB), Y14
	VBROADCASTSD settleC<>+56(SB), Y15
	XORQ AX, AX

sloop:
	CMPQ CX, $8
	JL   sdone8
	SETTLE4(0, 0, R8, R9)
	SETTLE4(16, 32, R10, R11)
	SHLQ $4, R10
	ORQ  R10, R8
	SHLQ $4, R11
	ORQ  R11, R9
	MOVQ AX, R12
	SHRQ $3, R12
	MOVB R8, (DX)(R12*1)
	MOVB R9, (BX)(R12*1)
	ADDQ $8, AX
	SUBQ $8, CX
	JMP  sloop

sdone8:
	VZEROUPPER
	RET

// Lane numbers 0…7 (dwords) for the lane masks of sumRows32AVX's tail.
DATA lane8<>+0(SB)/4, $0
DATA lane8<>+4(SB)/4, $1
DATA lane8<>+8(SB)/4, $2
DATA lane8<>+12(SB)/4, $3
DATA lane8<>+16(SB)/4, $4
DATA lane8<>+20(SB)/4, $5
DATA lane8<>+24(SB)/4, $6
DATA lane8<>+28(SB)/4, $7
GLOBL lane8<>(SB), RODATA|NOPTR, $32

// func sumRows32AVX(dst *float64, n int, rows *unsafe.Pointer, coef *float32, m int)
//
// dst[i] = Σ_k coef[k]·rows[k][i] for i < n, with float32 rows summed in
// float32 (the float32 precision option): chunks of dst (64, 32, then the
// last r < 32 elements, the last vector under a lane mask) stay in Y0–Y7
// while all rows are added in row order, then are widened to float64 and
// stored once.
// m ≥ 1. Needs AVX2 and FMA3.
TEXT ·sumRows32AVX(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ rows+16(FP), R8
	MOVQ coef+24(FP), R9
	MOVQ m+32(FP), R10
	XORQ AX, AX                     // byte offset into the float32 rows
	XORQ SI, SI                     // byte offset into dst

w64chunk:
	CMPQ CX, $64
	JL   w32chunk
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	XORQ BX, BX

w64row:
	CMPQ BX, R10
	JGE  w64store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSS (R9)(BX*4), Y8
	VFMADD231PS 0(DX)(AX*1), Y8, Y0
	VFMADD231PS 32(DX)(AX*1), Y8, Y1
	VFMADD231PS 64(DX)(AX*1), Y8, Y2
	VFMADD231PS 96(DX)(AX*1), Y8, Y3
	VFMADD231PS 128(DX)(AX*1), Y8, Y4
	VFMADD231PS 160(DX)(AX*1), Y8, Y5
	VFMADD231PS 192(DX)(AX*1), Y8, Y6
	VFMADD231PS 224(DX)(AX*1), Y8, Y7
	INCQ BX
	JMP  w64row

w64store:
	VCVTPS2PD X0, Y9
	VEXTRACTF128 $1, Y0, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 0(DI)(SI*1)
	VMOVUPD Y10, 32(DI)(SI*1)
	VCVTPS2PD X1, Y9
	VEXTRACTF128 $1, Y1, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 64(DI)(SI*1)
	VMOVUPD Y10, 96(DI)(SI*1)
	VCVTPS2PD X2, Y9
	VEXTRACTF128 $1, Y2, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 128(DI)(SI*1)
	VMOVUPD Y10, 160(DI)(SI*1)
	VCVTPS2PD X3, Y9
	VEXTRACTF128 $1, Y3, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 192(DI)(SI*1)
	VMOVUPD Y10, 224(DI)(SI*1)
	VCVTPS2PD X4, Y9
	VEXTRACTF128 $1, Y4, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 256(DI)(SI*1)
	VMOVUPD Y10, 288(DI)(SI*1)
	VCVTPS2PD X5, Y9
	VEXTRACTF128 $1, Y5, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 320(DI)(SI*1)
	VMOVUPD Y10, 352(DI)(SI*1)
	VCVTPS2PD X6, Y9
	VEXTRACTF128 $1, Y6, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 384(DI)(SI*1)
	VMOVUPD Y10, 416(DI)(SI*1)
	VCVTPS2PD X7, Y9
	VEXTRACTF128 $1, Y7, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 448(DI)(SI*1)
	VMOVUPD Y10, 480(DI)(SI*1)
	ADDQ $256, AX
	ADDQ $512, SI
	SUBQ $64, CX
	JMP  w64chunk

w32chunk:
	CMPQ CX, $32
	JL   wtail
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ BX, BX

w32row:
	CMPQ BX, R10
	JGE  w32store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSS (R9)(BX*4), Y8
	VFMADD231PS 0(DX)(AX*1), Y8, Y0
	VFMADD231PS 32(DX)(AX*1), Y8, Y1
	VFMADD231PS 64(DX)(AX*1), Y8, Y2
	VFMADD231PS 96(DX)(AX*1), Y8, Y3
	INCQ BX
	JMP  w32row

w32store:
	VCVTPS2PD X0, Y9
	VEXTRACTF128 $1, Y0, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 0(DI)(SI*1)
	VMOVUPD Y10, 32(DI)(SI*1)
	VCVTPS2PD X1, Y9
	VEXTRACTF128 $1, Y1, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 64(DI)(SI*1)
	VMOVUPD Y10, 96(DI)(SI*1)
	VCVTPS2PD X2, Y9
	VEXTRACTF128 $1, Y2, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 128(DI)(SI*1)
	VMOVUPD Y10, 160(DI)(SI*1)
	VCVTPS2PD X3, Y9
	VEXTRACTF128 $1, Y3, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 192(DI)(SI*1)
	VMOVUPD Y10, 224(DI)(SI*1)
	ADDQ $128, AX
	ADDQ $256, SI
	SUBQ $32, CX
	JMP  w32chunk

// The last r < 32 elements in one pass over the rows: ⌈r/8⌉ vectors, the
// last one loaded under a dword lane mask (lanes past r are not read) and
// stored as two float64 halves under qword masks.
wtail:
	TESTQ CX, CX
	JZ   wdone
	LEAQ -1(CX), DX
	ANDQ $7, DX
	INCQ DX                         // lanes of the last vector, 1…8
	VMOVQ DX, X11
	VPBROADCASTD X11, Y11
	VMOVDQU lane8<>(SB), Y12
	VPCMPGTD Y12, Y11, Y11          // dword lane < lanes
	VPMOVSXDQ X11, Y12              // its low four lanes as qwords
	VEXTRACTI128 $1, Y11, X13
	VPMOVSXDQ X13, Y13              // its high four lanes as qwords
	CMPQ CX, $8
	JLE  wt1
	CMPQ CX, $16
	JLE  wt2
	CMPQ CX, $24
	JLE  wt3
	JMP  wt4

wt1:
	VXORPS Y0, Y0, Y0
	XORQ BX, BX

wt1row:
	CMPQ BX, R10
	JGE  wt1store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSS (R9)(BX*4), Y8
	VMASKMOVPS 0(DX)(AX*1), Y11, Y4
	VFMADD231PS Y4, Y8, Y0
	INCQ BX
	JMP  wt1row

wt1store:
	VCVTPS2PD X0, Y9
	VEXTRACTF128 $1, Y0, X10
	VCVTPS2PD X10, Y10
	VMASKMOVPD Y9, Y12, 0(DI)(SI*1)
	VMASKMOVPD Y10, Y13, 32(DI)(SI*1)
	JMP  wdone

wt2:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	XORQ BX, BX

wt2row:
	CMPQ BX, R10
	JGE  wt2store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSS (R9)(BX*4), Y8
	VFMADD231PS 0(DX)(AX*1), Y8, Y0
	VMASKMOVPS 32(DX)(AX*1), Y11, Y4
	VFMADD231PS Y4, Y8, Y1
	INCQ BX
	JMP  wt2row

wt2store:
	VCVTPS2PD X0, Y9
	VEXTRACTF128 $1, Y0, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 0(DI)(SI*1)
	VMOVUPD Y10, 32(DI)(SI*1)
	VCVTPS2PD X1, Y9
	VEXTRACTF128 $1, Y1, X10
	VCVTPS2PD X10, Y10
	VMASKMOVPD Y9, Y12, 64(DI)(SI*1)
	VMASKMOVPD Y10, Y13, 96(DI)(SI*1)
	JMP  wdone

wt3:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	XORQ BX, BX

wt3row:
	CMPQ BX, R10
	JGE  wt3store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSS (R9)(BX*4), Y8
	VFMADD231PS 0(DX)(AX*1), Y8, Y0
	VFMADD231PS 32(DX)(AX*1), Y8, Y1
	VMASKMOVPS 64(DX)(AX*1), Y11, Y4
	VFMADD231PS Y4, Y8, Y2
	INCQ BX
	JMP  wt3row

wt3store:
	VCVTPS2PD X0, Y9
	VEXTRACTF128 $1, Y0, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 0(DI)(SI*1)
	VMOVUPD Y10, 32(DI)(SI*1)
	VCVTPS2PD X1, Y9
	VEXTRACTF128 $1, Y1, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 64(DI)(SI*1)
	VMOVUPD Y10, 96(DI)(SI*1)
	VCVTPS2PD X2, Y9
	VEXTRACTF128 $1, Y2, X10
	VCVTPS2PD X10, Y10
	VMASKMOVPD Y9, Y12, 128(DI)(SI*1)
	VMASKMOVPD Y10, Y13, 160(DI)(SI*1)
	JMP  wdone

wt4:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ BX, BX

wt4row:
	CMPQ BX, R10
	JGE  wt4store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSS (R9)(BX*4), Y8
	VFMADD231PS 0(DX)(AX*1), Y8, Y0
	VFMADD231PS 32(DX)(AX*1), Y8, Y1
	VFMADD231PS 64(DX)(AX*1), Y8, Y2
	VMASKMOVPS 96(DX)(AX*1), Y11, Y4
	VFMADD231PS Y4, Y8, Y3
	INCQ BX
	JMP  wt4row

wt4store:
	VCVTPS2PD X0, Y9
	VEXTRACTF128 $1, Y0, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 0(DI)(SI*1)
	VMOVUPD Y10, 32(DI)(SI*1)
	VCVTPS2PD X1, Y9
	VEXTRACTF128 $1, Y1, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 64(DI)(SI*1)
	VMOVUPD Y10, 96(DI)(SI*1)
	VCVTPS2PD X2, Y9
	VEXTRACTF128 $1, Y2, X10
	VCVTPS2PD X10, Y10
	VMOVUPD Y9, 128(DI)(SI*1)
	VMOVUPD Y10, 160(DI)(SI*1)
	VCVTPS2PD X3, Y9
	VEXTRACTF128 $1, Y3, X10
	VCVTPS2PD X10, Y10
	VMASKMOVPD Y9, Y12, 192(DI)(SI*1)
	VMASKMOVPD Y10, Y13, 224(DI)(SI*1)
	JMP  wdone

wdone:
	VZEROUPPER
	RET

// func axpy32AVX(w *float64, w32 *float32, n int, a float64, x *float64)
//
// w[i] += a·x[i] and w32[i] = float32(w[i]) for i < n&^3: a learning
// update of one weight row that rounds the row into its float32 copy in the
// same pass. The caller does the last n%4. Needs AVX2 and FMA3.
TEXT ·axpy32AVX(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), DI
	MOVQ w32+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSD a+24(FP), Y8
	MOVQ x+32(FP), DX
	XORQ AX, AX                     // element index

x16:
	CMPQ CX, $16
	JL   x4
	VMOVUPD 0(DI)(AX*8), Y0
	VMOVUPD 32(DI)(AX*8), Y1
	VMOVUPD 64(DI)(AX*8), Y2
	VMOVUPD 96(DI)(AX*8), Y3
	VFMADD231PD 0(DX)(AX*8), Y8, Y0
	VFMADD231PD 32(DX)(AX*8), Y8, Y1
	VFMADD231PD 64(DX)(AX*8), Y8, Y2
	VFMADD231PD 96(DX)(AX*8), Y8, Y3
	VMOVUPD Y0, 0(DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD Y3, 96(DI)(AX*8)
	VCVTPD2PSY Y0, X4
	VCVTPD2PSY Y1, X5
	VCVTPD2PSY Y2, X6
	VCVTPD2PSY Y3, X7
	VMOVUPS X4, 0(SI)(AX*4)
	VMOVUPS X5, 16(SI)(AX*4)
	VMOVUPS X6, 32(SI)(AX*4)
	VMOVUPS X7, 48(SI)(AX*4)
	ADDQ $16, AX
	SUBQ $16, CX
	JMP  x16

x4:
	CMPQ CX, $4
	JL   xdone
	VMOVUPD 0(DI)(AX*8), Y0
	VFMADD231PD 0(DX)(AX*8), Y8, Y0
	VMOVUPD Y0, 0(DI)(AX*8)
	VCVTPD2PSY Y0, X4
	VMOVUPS X4, 0(SI)(AX*4)
	ADDQ $4, AX
	SUBQ $4, CX
	JMP  x4

xdone:
	VZEROUPPER
	RET

// Unit indices 0…15 of spikeCandPackAVX512.
DATA candIdx16<>+0(SB)/4, $0
DATA candIdx16<>+4(SB)/4, $1
DATA candIdx16<>+8(SB)/4, $2
DATA candIdx16<>+12(SB)/4, $3
DATA candIdx16<>+16(SB)/4, $4
DATA candIdx16<>+20(SB)/4, $5
DATA candIdx16<>+24(SB)/4, $6
DATA candIdx16<>+28(SB)/4, $7
DATA candIdx16<>+32(SB)/4, $8
DATA candIdx16<>+36(SB)/4, $9
DATA candIdx16<>+40(SB)/4, $10
DATA candIdx16<>+44(SB)/4, $11
DATA candIdx16<>+48(SB)/4, $12
DATA candIdx16<>+52(SB)/4, $13
DATA candIdx16<>+56(SB)/4, $14
DATA candIdx16<>+60(SB)/4, $15
GLOBL candIdx16<>(SB), RODATA|NOPTR, $64

// UNIT_BITS16 sets Z1 to unitBits before its final shift for the sixteen
// unit indices in Z0: two rounds of lowbias32, keyed by kLo (Z12) and kHi
// (Z9), with the multipliers in Z13, Z11, Z10; Z2 is scratch. Shared by the
// candidate kernels, so that both draw the same bits.
#define UNIT_BITS16 \
	VPMULLD Z13, Z0, Z1; \
	VPXORD  Z12, Z1, Z1; \
	VPSRLD  $16, Z1, Z2; \
	VPXORD  Z2, Z1, Z1; \
	VPMULLD Z11, Z1, Z1; \
	VPSRLD  $15, Z1, Z2; \
	VPXORD  Z2, Z1, Z1; \
	VPMULLD Z10, Z1, Z1; \
	VPSRLD  $16, Z1, Z2; \
	VPXORD  Z2, Z1, Z1; \
	VPXORD  Z9, Z1, Z1; \
	VPSRLD  $16, Z1, Z2; \
	VPXORD  Z2, Z1, Z1; \
	VPMULLD Z11, Z1, Z1; \
	VPSRLD  $15, Z1, Z2; \
	VPXORD  Z2, Z1, Z1; \
	VPMULLD Z10, Z1, Z1; \
	VPSRLD  $16, Z1, Z2; \
	VPXORD  Z2, Z1, Z1

// CAND_U31 shifts the hash in Z1 to the units' 31 bits u31 and sets Z2, Z4
// to u31+1 as float64 (units 0–7, 8–15 of the group).
#define CAND_U31 \
	VPSRLD  $1, Z1, Z1; \
	VCVTDQ2PD Y1, Z2; \
	VEXTRACTI64X4 $1, Z1, Y4; \
	VCVTDQ2PD Y4, Z4; \
	VADDPD  Z8, Z2, Z2; \
	VADDPD  Z8, Z4, Z4

// CAND_CMP compares u31+1 with (1−λ)·2^31 for the rates in Z5, Z6 (K1, K2
// and, all sixteen, K3; their bits in R11, R12) and stores the group's
// candidate units and bits, compressed, at the packed position R14. There
// is no branch on an empty group: a mispredicted one costs more than this.
#define CAND_CMP \
	VSUBPD  Z5, Z8, Z5; \
	VSUBPD  Z6, Z8, Z6; \
	VMULPD  Z7, Z5, Z5; \
	VMULPD  Z7, Z6, Z6; \
	VCMPPD  $0x1e, Z5, Z2, K1; \
	VCMPPD  $0x1e, Z6, Z4, K2; \
	KMOVB   K1, R11; \
	KMOVB   K2, R12; \
	MOVL    R12, R13; \
	SHLL    $8, R13; \
	ORL     R11, R13; \
	KMOVW   R13, K3; \
	VPCOMPRESSD Z0, K3, Z15; \
	VMOVDQU32 Z15, (DI)(R14*4); \
	VPCOMPRESSD Z1, K3, Z16; \
	VMOVDQU32 Z16, (R10)(R14*4)

// CAND_VALS_LO and CAND_VALS_HI store the candidates' values (Z17 with the
// mask K1 and count R11, Z18 with K2 and R12) and advance R14.
#define CAND_VALS_LO \
	VCOMPRESSPD Z17, K1, Z17; \
	VMOVUPD Z17, (R9)(R14*8); \
	POPCNTL R11, R11; \
	ADDQ    R11, R14

#define CAND_VALS_HI \
	VCOMPRESSPD Z18, K2, Z18; \
	VMOVUPD Z18, (R9)(R14*8); \
	POPCNTL R12, R12; \
	ADDQ    R12, R14

// CANDC_PACK stores the candidate units and bits of the constant-rate
// kernel's group (mask K3; K2 its upper half; counts in R11, R12).
#define CANDC_PACK \
	KMOVW   K3, R13; \
	KSHIFTRW $8, K3, K2; \
	MOVL    R13, R11; \
	ANDL    $0xff, R11; \
	MOVL    R13, R12; \
	SHRL    $8, R12; \
	VPCOMPRESSD Z0, K3, Z15; \
	VMOVDQU32 Z15, (DI)(R14*4); \
	VPCOMPRESSD Z1, K3, Z16; \
	VMOVDQU32 Z16, (R10)(R14*4)

// CANDC_VALS_LO is CAND_VALS_LO with the group's mask K3.
#define CANDC_VALS_LO \
	VCOMPRESSPD Z17, K3, Z17; \
	VMOVUPD Z17, (R9)(R14*8); \
	POPCNTL R11, R11; \
	ADDQ    R11, R14

// func spikeCandPackAVX512(lam, val *float64, ci *int32, cv *float64, cb *uint32, n int, kLo, kHi uint32) int
//
// spikeCandAVX and the packing loop of spikeCandPack in one pass, sixteen
// units at a time: for units i < n with b = unitBits(i, kLo, kHi) and b+1 >
// (1−lam[i])·2^31, appends i to ci, val[i] to cv and b to cb, in unit order,
// and returns their number. The last n mod 16 units are loaded under lane
// masks. Each group's candidates are compressed in registers and stored as
// whole vectors at the packed position, which is never past the group's
// first unit, so the stores stay in the first n+15 elements: ci, cv and cb
// must hold n+16. Needs AVX-512F.
TEXT ·spikeCandPackAVX512(SB), NOSPLIT, $0-64
	MOVQ lam+0(FP), SI
	MOVQ val+8(FP), R8
	MOVQ ci+16(FP), DI
	MOVQ cv+24(FP), R9
	MOVQ cb+32(FP), R10
	MOVQ n+40(FP), CX
	MOVL kLo+48(FP), R11
	VPBROADCASTD R11, Z12
	MOVL kHi+52(FP), R11
	VPBROADCASTD R11, Z9
	VPBROADCASTD candC<>+0(SB), Z13
	VPBROADCASTD candC<>+4(SB), Z11
	VPBROADCASTD candC<>+8(SB), Z10
	MOVL $16, R11
	VPBROADCASTD R11, Z14
	VBROADCASTSD candC<>+16(SB), Z8
	VBROADCASTSD candC<>+24(SB), Z7
	VMOVDQU32 candIdx16<>(SB), Z0 // indices i…i+15
	XORQ AX, AX                   // unit index
	XORQ R14, R14                 // candidates so far

ploop:
	CMPQ CX, $16
	JL   ptail
	UNIT_BITS16
	CAND_U31
	VMOVUPD (SI)(AX*8), Z5
	VMOVUPD 64(SI)(AX*8), Z6
	CAND_CMP
	VMOVUPD (R8)(AX*8), Z17       // their values, eight at a time
	CAND_VALS_LO
	VMOVUPD 64(R8)(AX*8), Z18
	CAND_VALS_HI
	VPADDD Z14, Z0, Z0
	ADDQ $16, AX
	SUBQ $16, CX
	JMP  ploop

ptail:
	// the last n mod 16 units: λ and the values loaded under lane masks,
	// λ = 0 in the lanes past n, which makes them no candidates
	TESTQ CX, CX
	JZ   pdone
	MOVL $1, R11
	SHLL CX, R11
	DECL R11
	KMOVB R11, K5
	SHRL $8, R11
	KMOVB R11, K6
	UNIT_BITS16
	CAND_U31
	VMOVUPD.Z (SI)(AX*8), K5, Z5
	VMOVUPD.Z 64(SI)(AX*8), K6, Z6
	CAND_CMP
	VMOVUPD.Z (R8)(AX*8), K5, Z17
	CAND_VALS_LO
	VMOVUPD.Z 64(R8)(AX*8), K6, Z18
	CAND_VALS_HI

pdone:
	MOVQ R14, ret+56(FP)
	VZEROUPPER
	RET

// func traceStepAVX512(x1, x2, dst, base, pnew, slot *float64, n int, a1, a2, c1, c2, gain float64)
//
// traceStepAVX eight units at a time, the last n mod 8 under a lane mask
// (masked loads and stores touch no element past n). The same operations
// per element as traceStepAVX, so the same bits. Needs AVX-512F.
TEXT ·traceStepAVX512(SB), NOSPLIT, $0-96
	MOVQ x1+0(FP), DI
	MOVQ x2+8(FP), SI
	MOVQ dst+16(FP), DX
	MOVQ base+24(FP), R8
	MOVQ pnew+32(FP), R9
	MOVQ slot+40(FP), R10
	MOVQ n+48(FP), CX
	VBROADCASTSD a1+56(FP), Z8
	VBROADCASTSD a2+64(FP), Z9
	VBROADCASTSD c1+72(FP), Z10
	VBROADCASTSD c2+80(FP), Z11
	VBROADCASTSD gain+88(FP), Z12
	XORQ AX, AX

z8:
	CMPQ CX, $8
	JL   ztail
	VMOVUPD (R10)(AX*1), Z0
	VMOVUPD (R9)(AX*1), Z1
	VMOVUPD Z1, (R10)(AX*1)
	VADDPD  (DI)(AX*1), Z1, Z2
	VFNMADD231PD Z10, Z0, Z2
	VMULPD  Z8, Z2, Z2
	VMOVUPD Z2, (DI)(AX*1)
	VADDPD  (SI)(AX*1), Z1, Z3
	VFNMADD231PD Z11, Z0, Z3
	VMULPD  Z9, Z3, Z3
	VMOVUPD Z3, (SI)(AX*1)
	VSUBPD  Z3, Z2, Z4
	VMOVUPD (R8)(AX*1), Z5
	VFMADD231PD Z12, Z4, Z5
	VMOVUPD Z5, (DX)(AX*1)
	ADDQ $64, AX
	SUBQ $8, CX
	JMP  z8

ztail:
	TESTQ CX, CX
	JZ   zdone
	MOVL $1, R11
	SHLL CX, R11
	DECL R11
	KMOVB R11, K1                   // lanes 0…n mod 8 − 1
	VMOVUPD.Z (R10)(AX*1), K1, Z0
	VMOVUPD.Z (R9)(AX*1), K1, Z1
	VMOVUPD Z1, K1, (R10)(AX*1)
	VMOVUPD.Z (DI)(AX*1), K1, Z6
	VADDPD  Z6, Z1, Z2
	VFNMADD231PD Z10, Z0, Z2
	VMULPD  Z8, Z2, Z2
	VMOVUPD Z2, K1, (DI)(AX*1)
	VMOVUPD.Z (SI)(AX*1), K1, Z7
	VADDPD  Z7, Z1, Z3
	VFNMADD231PD Z11, Z0, Z3
	VMULPD  Z9, Z3, Z3
	VMOVUPD Z3, K1, (SI)(AX*1)
	VSUBPD  Z3, Z2, Z4
	VMOVUPD.Z (R8)(AX*1), K1, Z5
	VFMADD231PD Z12, Z4, Z5
	VMOVUPD Z5, K1, (DX)(AX*1)

zdone:
	VZEROUPPER
	RET

// SIGMOID16 sets Z2 and Z5 to scale·σ of the sixteen values in Z0 and Z3
// (sigmoidAVX's operations, with the constants in Z13–Z31; Z1 and Z4 are
// scratch), for the full groups and the masked last one alike.
#define SIGMOID16 \
	VPXORQ Z1, Z1, Z1; \
	VPXORQ Z4, Z4, Z4; \
	VSUBPD Z0, Z1, Z0; \
	VSUBPD Z3, Z4, Z3; \
	VMINPD Z0, Z17, Z0; \
	VMINPD Z3, Z17, Z3; \
	VMAXPD Z0, Z18, Z0; \
	VMAXPD Z3, Z18, Z3; \
	VMULPD Z14, Z0, Z1; \
	VMULPD Z14, Z3, Z4; \
	VRNDSCALEPD $0, Z1, Z1; \
	VRNDSCALEPD $0, Z4, Z4; \
	VFNMADD231PD Z15, Z1, Z0; \
	VFNMADD231PD Z15, Z4, Z3; \
	VFNMADD231PD Z16, Z1, Z0; \
	VFNMADD231PD Z16, Z4, Z3; \
	VCVTPD2DQ Z1, Y2; \
	VCVTPD2DQ Z4, Y5; \
	VPMOVSXDQ Y2, Z1; \
	VPMOVSXDQ Y5, Z4; \
	VPADDQ Z20, Z1, Z1; \
	VPADDQ Z20, Z4, Z4; \
	VPSLLQ $52, Z1, Z1; \
	VPSLLQ $52, Z4, Z4; \
	VMOVAPD Z21, Z2; \
	VMOVAPD Z21, Z5; \
	VFMADD213PD Z22, Z0, Z2; \
	VFMADD213PD Z22, Z3, Z5; \
	VFMADD213PD Z23, Z0, Z2; \
	VFMADD213PD Z23, Z3, Z5; \
	VFMADD213PD Z24, Z0, Z2; \
	VFMADD213PD Z24, Z3, Z5; \
	VFMADD213PD Z25, Z0, Z2; \
	VFMADD213PD Z25, Z3, Z5; \
	VFMADD213PD Z26, Z0, Z2; \
	VFMADD213PD Z26, Z3, Z5; \
	VFMADD213PD Z27, Z0, Z2; \
	VFMADD213PD Z27, Z3, Z5; \
	VFMADD213PD Z28, Z0, Z2; \
	VFMADD213PD Z28, Z3, Z5; \
	VFMADD213PD Z29, Z0, Z2; \
	VFMADD213PD Z29, Z3, Z5; \
	VFMADD213PD Z30, Z0, Z2; \
	VFMADD213PD Z30, Z3, Z5; \
	VFMADD213PD Z31, Z0, Z2; \
	VFMADD213PD Z31, Z3, Z5; \
	VFMADD213PD Z19, Z0, Z2; \
	VFMADD213PD Z19, Z3, Z5; \
	VFMADD213PD Z19, Z0, Z2; \
	VFMADD213PD Z19, Z3, Z5; \
	VMULPD Z1, Z2, Z2; \
	VMULPD Z4, Z5, Z5; \
	VADDPD Z19, Z2, Z2; \
	VADDPD Z19, Z5, Z5; \
	VDIVPD Z2, Z13, Z2; \
	VDIVPD Z5, Z13, Z5

// func sigmoidAVX512(dst, x *float64, n int, scale float64)
//
// sigmoidAVX sixteen at a time in two groups of eight, with the constants
// in registers, the last n mod 16 under lane masks: the same operations per
// element in the same order, so the same bits. Any n. Needs AVX-512F.
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSD scale+24(FP), Z13
	VBROADCASTSD sigC<>+0(SB), Z14
	VBROADCASTSD sigC<>+32(SB), Z15
	VBROADCASTSD sigC<>+64(SB), Z16
	VBROADCASTSD sigC<>+96(SB), Z17
	VBROADCASTSD sigC<>+128(SB), Z18
	VBROADCASTSD sigC<>+160(SB), Z19
	VPBROADCASTQ sigC<>+192(SB), Z20
	VBROADCASTSD sigC<>+224(SB), Z21
	VBROADCASTSD sigC<>+256(SB), Z22
	VBROADCASTSD sigC<>+288(SB), Z23
	VBROADCASTSD sigC<>+320(SB), Z24
	VBROADCASTSD sigC<>+352(SB), Z25
	VBROADCASTSD sigC<>+384(SB), Z26
	VBROADCASTSD sigC<>+416(SB), Z27
	VBROADCASTSD sigC<>+448(SB), Z28
	VBROADCASTSD sigC<>+480(SB), Z29
	VBROADCASTSD sigC<>+512(SB), Z30
	VBROADCASTSD sigC<>+544(SB), Z31
	XORQ AX, AX

sloop512:
	CMPQ CX, $16
	JL   stail512
	VMOVUPD 0(SI)(AX*1), Z0
	VMOVUPD 64(SI)(AX*1), Z3
	SIGMOID16
	VMOVUPD Z2, 0(DI)(AX*1)
	VMOVUPD Z5, 64(DI)(AX*1)
	ADDQ $128, AX
	SUBQ $16, CX
	JMP  sloop512

stail512:
	// the last n mod 16 under lane masks (x = 0 in the lanes past n,
	// computed and not stored)
	TESTQ CX, CX
	JZ   sdone512
	MOVL $1, R11
	SHLL CX, R11
	DECL R11
	KMOVB R11, K1
	SHRL $8, R11
	KMOVB R11, K2
	VMOVUPD.Z 0(SI)(AX*1), K1, Z0
	VMOVUPD.Z 64(SI)(AX*1), K2, Z3
	SIGMOID16
	VMOVUPD Z2, K1, 0(DI)(AX*1)
	VMOVUPD Z5, K2, 64(DI)(AX*1)

sdone512:
	VZEROUPPER
	RET

// func addRowsAVX512(dst *float64, n int, rows *unsafe.Pointer, coef *float64, m int)
//
// addRowsAVX with ZMM registers: rows four at a time, dst in chunks of 32,
// then 8, then the last n mod 8 under a lane mask. The same FMAs per
// element in the same order, so the same bits. Needs AVX-512F.
TEXT ·addRowsAVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ rows+16(FP), R8
	MOVQ coef+24(FP), R9
	MOVQ m+32(FP), R10
	MOVQ CX, R12
	ANDQ $7, CX
	MOVL $1, R11
	SHLL CX, R11
	DECL R11
	KMOVB R11, K1                 // lanes of the tail
	MOVQ R12, CX

zg4:
	CMPQ R10, $4
	JL   zsingle
	MOVQ 0(R8), R11
	MOVQ 8(R8), R12
	MOVQ 16(R8), R13
	MOVQ 24(R8), BX
	VBROADCASTSD 0(R9), Z8
	VBROADCASTSD 8(R9), Z9
	VBROADCASTSD 16(R9), Z10
	VBROADCASTSD 24(R9), Z11
	XORQ AX, AX
	MOVQ CX, DX

zg4x32:
	CMPQ DX, $32
	JL   zg4x8
	VMOVUPD 0(DI)(AX*1), Z0
	VMOVUPD 64(DI)(AX*1), Z1
	VMOVUPD 128(DI)(AX*1), Z2
	VMOVUPD 192(DI)(AX*1), Z3
	VFMADD231PD 0(R11)(AX*1), Z8, Z0
	VFMADD231PD 64(R11)(AX*1), Z8, Z1
	VFMADD231PD 128(R11)(AX*1), Z8, Z2
	VFMADD231PD 192(R11)(AX*1), Z8, Z3
	VFMADD231PD 0(R12)(AX*1), Z9, Z0
	VFMADD231PD 64(R12)(AX*1), Z9, Z1
	VFMADD231PD 128(R12)(AX*1), Z9, Z2
	VFMADD231PD 192(R12)(AX*1), Z9, Z3
	VFMADD231PD 0(R13)(AX*1), Z10, Z0
	VFMADD231PD 64(R13)(AX*1), Z10, Z1
	VFMADD231PD 128(R13)(AX*1), Z10, Z2
	VFMADD231PD 192(R13)(AX*1), Z10, Z3
	VFMADD231PD 0(BX)(AX*1), Z11, Z0
	VFMADD231PD 64(BX)(AX*1), Z11, Z1
	VFMADD231PD 128(BX)(AX*1), Z11, Z2
	VFMADD231PD 192(BX)(AX*1), Z11, Z3
	VMOVUPD Z0, 0(DI)(AX*1)
	VMOVUPD Z1, 64(DI)(AX*1)
	VMOVUPD Z2, 128(DI)(AX*1)
	VMOVUPD Z3, 192(DI)(AX*1)
	ADDQ $256, AX
	SUBQ $32, DX
	JMP  zg4x32

zg4x8:
	CMPQ DX, $8
	JL   zg4x1
	VMOVUPD 0(DI)(AX*1), Z0
	VFMADD231PD 0(R11)(AX*1), Z8, Z0
	VFMADD231PD 0(R12)(AX*1), Z9, Z0
	VFMADD231PD 0(R13)(AX*1), Z10, Z0
	VFMADD231PD 0(BX)(AX*1), Z11, Z0
	VMOVUPD Z0, 0(DI)(AX*1)
	ADDQ $64, AX
	SUBQ $8, DX
	JMP  zg4x8

zg4x1:
	TESTQ DX, DX
	JZ    zg4next
	VMOVUPD.Z 0(DI)(AX*1), K1, Z0
	VMOVUPD.Z 0(R11)(AX*1), K1, Z4
	VMOVUPD.Z 0(R12)(AX*1), K1, Z5
	VMOVUPD.Z 0(R13)(AX*1), K1, Z6
	VMOVUPD.Z 0(BX)(AX*1), K1, Z7
	VFMADD231PD Z4, Z8, Z0
	VFMADD231PD Z5, Z9, Z0
	VFMADD231PD Z6, Z10, Z0
	VFMADD231PD Z7, Z11, Z0
	VMOVUPD Z0, K1, 0(DI)(AX*1)

zg4next:
	ADDQ $32, R8
	ADDQ $32, R9
	SUBQ $4, R10
	JMP  zg4

zsingle:
	TESTQ R10, R10
	JZ    zdone1
	MOVQ 0(R8), R11
	VBROADCASTSD 0(R9), Z8
	XORQ AX, AX
	MOVQ CX, DX

zs1x32:
	CMPQ DX, $32
	JL   zs1x8
	VMOVUPD 0(DI)(AX*1), Z0
	VMOVUPD 64(DI)(AX*1), Z1
	VMOVUPD 128(DI)(AX*1), Z2
	VMOVUPD 192(DI)(AX*1), Z3
	VFMADD231PD 0(R11)(AX*1), Z8, Z0
	VFMADD231PD 64(R11)(AX*1), Z8, Z1
	VFMADD231PD 128(R11)(AX*1), Z8, Z2
	VFMADD231PD 192(R11)(AX*1), Z8, Z3
	VMOVUPD Z0, 0(DI)(AX*1)
	VMOVUPD Z1, 64(DI)(AX*1)
	VMOVUPD Z2, 128(DI)(AX*1)
	VMOVUPD Z3, 192(DI)(AX*1)
	ADDQ $256, AX
	SUBQ $32, DX
	JMP  zs1x32

zs1x8:
	CMPQ DX, $8
	JL   zs1x1
	VMOVUPD 0(DI)(AX*1), Z0
	VFMADD231PD 0(R11)(AX*1), Z8, Z0
	VMOVUPD Z0, 0(DI)(AX*1)
	ADDQ $64, AX
	SUBQ $8, DX
	JMP  zs1x8

zs1x1:
	TESTQ DX, DX
	JZ    zs1next
	VMOVUPD.Z 0(DI)(AX*1), K1, Z0
	VMOVUPD.Z 0(R11)(AX*1), K1, Z4
	VFMADD231PD Z4, Z8, Z0
	VMOVUPD Z0, K1, 0(DI)(AX*1)

zs1next:
	ADDQ $8, R8
	ADDQ $8, R9
	DECQ R10
	JMP  zsingle

zdone1:
	VZEROUPPER
	RET

// func sumRowsAVX512(dst, base *float64, n int, rows *unsafe.Pointer, coef *float64, m int)
//
// sumRowsAVX with ZMM registers: chunks of dst of 64, then 32, then the
// last r < 32 elements under four lane masks stay in Z0–Z7 while all rows
// are added, so each row is visited by fewer passes. The same FMAs per
// element in the same order, so the same bits. Needs AVX-512F.
TEXT ·sumRowsAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ base+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ rows+24(FP), R8
	MOVQ coef+32(FP), R9
	MOVQ m+40(FP), R10
	XORQ AX, AX

z64:
	CMPQ CX, $64
	JGE  z64chunk
	// Fewer than 64 left after at least one chunk: one more chunk that
	// ends at n instead of the 32-wide and masked tail passes, which are
	// chains of dependent FMAs (a few cycles per row each) with slow
	// masked loads. Its first elements were summed already; summed again
	// in the same order from the same start, they are stored with the
	// same bits.
	TESTQ CX, CX
	JZ   zsdone
	TESTQ AX, AX
	JZ   z32
	LEAQ -512(AX)(CX*8), AX
	MOVQ $64, CX

z64chunk:
	TESTQ SI, SI
	JZ   z64zero
	VMOVUPD 0(SI)(AX*1), Z0
	VMOVUPD 64(SI)(AX*1), Z1
	VMOVUPD 128(SI)(AX*1), Z2
	VMOVUPD 192(SI)(AX*1), Z3
	VMOVUPD 256(SI)(AX*1), Z4
	VMOVUPD 320(SI)(AX*1), Z5
	VMOVUPD 384(SI)(AX*1), Z6
	VMOVUPD 448(SI)(AX*1), Z7
	JMP  z64rows

z64zero:
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7

z64rows:
	XORQ BX, BX

z64row:
	CMPQ BX, R10
	JGE  z64store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSD (R9)(BX*8), Z8
	VFMADD231PD 0(DX)(AX*1), Z8, Z0
	VFMADD231PD 64(DX)(AX*1), Z8, Z1
	VFMADD231PD 128(DX)(AX*1), Z8, Z2
	VFMADD231PD 192(DX)(AX*1), Z8, Z3
	VFMADD231PD 256(DX)(AX*1), Z8, Z4
	VFMADD231PD 320(DX)(AX*1), Z8, Z5
	VFMADD231PD 384(DX)(AX*1), Z8, Z6
	VFMADD231PD 448(DX)(AX*1), Z8, Z7
	INCQ BX
	JMP  z64row

z64store:
	VMOVUPD Z0, 0(DI)(AX*1)
	VMOVUPD Z1, 64(DI)(AX*1)
	VMOVUPD Z2, 128(DI)(AX*1)
	VMOVUPD Z3, 192(DI)(AX*1)
	VMOVUPD Z4, 256(DI)(AX*1)
	VMOVUPD Z5, 320(DI)(AX*1)
	VMOVUPD Z6, 384(DI)(AX*1)
	VMOVUPD Z7, 448(DI)(AX*1)
	ADDQ $512, AX
	SUBQ $64, CX
	JMP  z64

z32:
	CMPQ CX, $32
	JL   ztail
	TESTQ SI, SI
	JZ   z32zero
	VMOVUPD 0(SI)(AX*1), Z0
	VMOVUPD 64(SI)(AX*1), Z1
	VMOVUPD 128(SI)(AX*1), Z2
	VMOVUPD 192(SI)(AX*1), Z3
	JMP  z32rows

z32zero:
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3

z32rows:
	XORQ BX, BX

z32row:
	CMPQ BX, R10
	JGE  z32store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSD (R9)(BX*8), Z8
	VFMADD231PD 0(DX)(AX*1), Z8, Z0
	VFMADD231PD 64(DX)(AX*1), Z8, Z1
	VFMADD231PD 128(DX)(AX*1), Z8, Z2
	VFMADD231PD 192(DX)(AX*1), Z8, Z3
	INCQ BX
	JMP  z32row

z32store:
	VMOVUPD Z0, 0(DI)(AX*1)
	VMOVUPD Z1, 64(DI)(AX*1)
	VMOVUPD Z2, 128(DI)(AX*1)
	VMOVUPD Z3, 192(DI)(AX*1)
	ADDQ $256, AX
	SUBQ $32, CX
	JMP  z32

ztail:
	TESTQ CX, CX
	JZ   zsdone
	MOVQ $1, R11
	SHLQ CX, R11
	DECQ R11                      // the last CX < 32 lanes
	KMOVB R11, K1
	SHRQ $8, R11
	KMOVB R11, K2
	SHRQ $8, R11
	KMOVB R11, K3
	SHRQ $8, R11
	KMOVB R11, K4
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	TESTQ SI, SI
	JZ   ztailrows
	VMOVUPD.Z 0(SI)(AX*1), K1, Z0
	VMOVUPD.Z 64(SI)(AX*1), K2, Z1
	VMOVUPD.Z 128(SI)(AX*1), K3, Z2
	VMOVUPD.Z 192(SI)(AX*1), K4, Z3

ztailrows:
	XORQ BX, BX

ztailrow:
	CMPQ BX, R10
	JGE  ztailstore
	MOVQ (R8)(BX*8), DX
	VBROADCASTSD (R9)(BX*8), Z8
	VFMADD231PD 0(DX)(AX*1), Z8, K1, Z0
	VFMADD231PD 64(DX)(AX*1), Z8, K2, Z1
	VFMADD231PD 128(DX)(AX*1), Z8, K3, Z2
	VFMADD231PD 192(DX)(AX*1), Z8, K4, Z3
	INCQ BX
	JMP  ztailrow

ztailstore:
	VMOVUPD Z0, K1, 0(DI)(AX*1)
	VMOVUPD Z1, K2, 64(DI)(AX*1)
	VMOVUPD Z2, K3, 128(DI)(AX*1)
	VMOVUPD Z3, K4, 192(DI)(AX*1)

zsdone:
	VZEROUPPER
	RET

// func somaAVX512(C, B, A *float64, n int, gL, gB, gA float64)
//
// somaAVX eight units at a time, the last n mod 8 under a lane mask. The
// same operations per element, so the same bits. Needs AVX-512F.
TEXT ·somaAVX512(SB), NOSPLIT, $0-56
	MOVQ C+0(FP), DI
	MOVQ B+8(FP), SI
	MOVQ A+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSD gL+32(FP), Z8
	VBROADCASTSD gB+40(FP), Z9
	VBROADCASTSD gA+48(FP), Z10
	VPXORQ Z11, Z11, Z11
	VSUBPD Z8, Z11, Z8              // −gL
	XORQ AX, AX

zm8:
	CMPQ CX, $8
	JL   zmtail
	VMOVUPD (DI)(AX*1), Z0          // c
	VMOVUPD (SI)(AX*1), Z1
	VSUBPD  Z0, Z1, Z1              // B−c
	VMOVUPD (DX)(AX*1), Z2
	VSUBPD  Z0, Z2, Z2              // A−c
	VMULPD  Z8, Z0, Z3              // −gL·c
	VFMADD231PD Z9, Z1, Z3          // + gB(B−c)
	VFMADD231PD Z10, Z2, Z3         // + gA(A−c)
	VADDPD  Z3, Z0, Z0
	VMOVUPD Z0, (DI)(AX*1)
	ADDQ $64, AX
	SUBQ $8, CX
	JMP  zm8

zmtail:
	TESTQ CX, CX
	JZ   zmdone
	MOVL $1, R11
	SHLL CX, R11
	DECL R11
	KMOVB R11, K1
	VMOVUPD.Z (DI)(AX*1), K1, Z0
	VMOVUPD.Z (SI)(AX*1), K1, Z1
	VSUBPD  Z0, Z1, Z1
	VMOVUPD.Z (DX)(AX*1), K1, Z2
	VSUBPD  Z0, Z2, Z2
	VMULPD  Z8, Z0, Z3
	VFMADD231PD Z9, Z1, Z3
	VFMADD231PD Z10, Z2, Z3
	VADDPD  Z3, Z0, Z0
	VMOVUPD Z0, K1, (DI)(AX*1)

zmdone:
	VZEROUPPER
	RET

// func emitKeptAVX512(keep *uint64, ci *int32, np int, idx *int32, cnt *float64) int
//
// The packed candidates q < np (np a multiple of 8) whose bit is set in
// keep, sixteen at a time: appends ci[q] to idx and 1 to cnt, in order, and
// returns their number m. Loads of ci touch only kept lanes; each group is
// stored as whole vectors at the current m, so idx and cnt need room for
// m+16 elements. Needs AVX-512F.
TEXT ·emitKeptAVX512(SB), NOSPLIT, $0-48
	MOVQ keep+0(FP), SI
	MOVQ ci+8(FP), DI
	MOVQ np+16(FP), CX
	MOVQ idx+24(FP), R8
	MOVQ cnt+32(FP), R9
	VBROADCASTSD candC<>+16(SB), Z2 // 1.0
	XORQ AX, AX                     // q
	XORQ R10, R10                   // m

eloop:
	CMPQ AX, CX
	JGE  edone
	MOVQ AX, R12
	SHRQ $3, R12
	MOVWLZX (SI)(R12*1), R11        // keep bits q…q+15 (past np: 0)
	KMOVW R11, K1
	VMOVDQU32.Z (DI)(AX*4), K1, Z0
	VPCOMPRESSD Z0, K1, Z1
	VMOVDQU32 Z1, (R8)(R10*4)
	VMOVUPD Z2, (R9)(R10*8)
	VMOVUPD Z2, 64(R9)(R10*8)
	POPCNTL R11, R11
	ADDQ R11, R10
	ADDQ $16, AX
	JMP  eloop

edone:
	MOVQ R10, ret+40(FP)
	VZEROUPPER
	RET

// func sumRows32AVX512(dst *float64, n int, rows *unsafe.Pointer, coef *float32, m int)
//
// sumRows32AVX with ZMM registers: chunks of 128, 64 and 16 float32 sums,
// then the last r < 16 under a lane mask, each kept in registers while all
// rows are added in row order, then widened and stored. The same float32
// FMAs per element in the same order, so the same bits. m ≥ 1. Needs
// AVX-512F.
TEXT ·sumRows32AVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ rows+16(FP), R8
	MOVQ coef+24(FP), R9
	MOVQ m+32(FP), R10
	XORQ AX, AX                     // byte offset into the float32 rows
	XORQ SI, SI                     // byte offset into dst

x128:
	CMPQ CX, $128
	JL   x64
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	XORQ BX, BX

x128row:
	CMPQ BX, R10
	JGE  x128store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSS (R9)(BX*4), Z8
	VFMADD231PS 0(DX)(AX*1), Z8, Z0
	VFMADD231PS 64(DX)(AX*1), Z8, Z1
	VFMADD231PS 128(DX)(AX*1), Z8, Z2
	VFMADD231PS 192(DX)(AX*1), Z8, Z3
	VFMADD231PS 256(DX)(AX*1), Z8, Z4
	VFMADD231PS 320(DX)(AX*1), Z8, Z5
	VFMADD231PS 384(DX)(AX*1), Z8, Z6
	VFMADD231PS 448(DX)(AX*1), Z8, Z7
	INCQ BX
	JMP  x128row

x128store:
	VCVTPS2PD Y0, Z9
	VEXTRACTF64X4 $1, Z0, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, 0(DI)(SI*1)
	VMOVUPD Z10, 64(DI)(SI*1)
	VCVTPS2PD Y1, Z9
	VEXTRACTF64X4 $1, Z1, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, 128(DI)(SI*1)
	VMOVUPD Z10, 192(DI)(SI*1)
	VCVTPS2PD Y2, Z9
	VEXTRACTF64X4 $1, Z2, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, 256(DI)(SI*1)
	VMOVUPD Z10, 320(DI)(SI*1)
	VCVTPS2PD Y3, Z9
	VEXTRACTF64X4 $1, Z3, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, 384(DI)(SI*1)
	VMOVUPD Z10, 448(DI)(SI*1)
	VCVTPS2PD Y4, Z9
	VEXTRACTF64X4 $1, Z4, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, 512(DI)(SI*1)
	VMOVUPD Z10, 576(DI)(SI*1)
	VCVTPS2PD Y5, Z9
	VEXTRACTF64X4 $1, Z5, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, 640(DI)(SI*1)
	VMOVUPD Z10, 704(DI)(SI*1)
	VCVTPS2PD Y6, Z9
	VEXTRACTF64X4 $1, Z6, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, 768(DI)(SI*1)
	VMOVUPD Z10, 832(DI)(SI*1)
	VCVTPS2PD Y7, Z9
	VEXTRACTF64X4 $1, Z7, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, 896(DI)(SI*1)
	VMOVUPD Z10, 960(DI)(SI*1)
	ADDQ $512, AX
	ADDQ $1024, SI
	SUBQ $128, CX
	JMP  x128

x64:
	CMPQ CX, $64
	JL   x16
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	XORQ BX, BX

x64row:
	CMPQ BX, R10
	JGE  x64store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSS (R9)(BX*4), Z8
	VFMADD231PS 0(DX)(AX*1), Z8, Z0
	VFMADD231PS 64(DX)(AX*1), Z8, Z1
	VFMADD231PS 128(DX)(AX*1), Z8, Z2
	VFMADD231PS 192(DX)(AX*1), Z8, Z3
	INCQ BX
	JMP  x64row

x64store:
	VCVTPS2PD Y0, Z9
	VEXTRACTF64X4 $1, Z0, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, 0(DI)(SI*1)
	VMOVUPD Z10, 64(DI)(SI*1)
	VCVTPS2PD Y1, Z9
	VEXTRACTF64X4 $1, Z1, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, 128(DI)(SI*1)
	VMOVUPD Z10, 192(DI)(SI*1)
	VCVTPS2PD Y2, Z9
	VEXTRACTF64X4 $1, Z2, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, 256(DI)(SI*1)
	VMOVUPD Z10, 320(DI)(SI*1)
	VCVTPS2PD Y3, Z9
	VEXTRACTF64X4 $1, Z3, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, 384(DI)(SI*1)
	VMOVUPD Z10, 448(DI)(SI*1)
	ADDQ $256, AX
	ADDQ $512, SI
	SUBQ $64, CX
	JMP  x64

x16:
	CMPQ CX, $16
	JL   xtail
	VPXORD Z0, Z0, Z0
	XORQ BX, BX

x16row:
	CMPQ BX, R10
	JGE  x16store
	MOVQ (R8)(BX*8), DX
	VBROADCASTSS (R9)(BX*4), Z8
	VFMADD231PS 0(DX)(AX*1), Z8, Z0
	INCQ BX
	JMP  x16row

x16store:
	VCVTPS2PD Y0, Z9
	VEXTRACTF64X4 $1, Z0, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, 0(DI)(SI*1)
	VMOVUPD Z10, 64(DI)(SI*1)
	ADDQ $64, AX
	ADDQ $128, SI
	SUBQ $16, CX
	JMP  x16

xtail:
	TESTQ CX, CX
	JZ   xdone512
	MOVL $1, R11
	SHLL CX, R11
	DECL R11                        // lanes 0…r−1
	KMOVW R11, K1
	KMOVB R11, K2                   // their low eight as float64s
	SHRL $8, R11
	KMOVB R11, K3                   // their high eight
	VPXORD Z0, Z0, Z0
	XORQ BX, BX

xtailrow:
	CMPQ BX, R10
	JGE  xtailstore
	MOVQ (R8)(BX*8), DX
	VBROADCASTSS (R9)(BX*4), Z8
	VFMADD231PS 0(DX)(AX*1), Z8, K1, Z0
	INCQ BX
	JMP  xtailrow

xtailstore:
	VCVTPS2PD Y0, Z9
	VEXTRACTF64X4 $1, Z0, Y10
	VCVTPS2PD Y10, Z10
	VMOVUPD Z9, K2, 0(DI)(SI*1)
	VMOVUPD Z10, K3, 64(DI)(SI*1)

xdone512:
	VZEROUPPER
	RET

// func spikeCandPackConstAVX512(val *float64, ci *int32, cv *float64, cb *uint32, n int, kLo, kHi, thr uint32) int
//
// spikeCandPackAVX512 for units that share one rate λ: the comparison
// b+1 > (1−λ)·2^31 is b ≥ thr for the integer thr that candThreshold
// derives from λ, so the group's test is one integer compare instead of
// two conversions and four floating-point operations per eight units. The
// same candidates in the same order. Needs AVX-512F.
TEXT ·spikeCandPackConstAVX512(SB), NOSPLIT, $0-64
	MOVQ val+0(FP), R8
	MOVQ ci+8(FP), DI
	MOVQ cv+16(FP), R9
	MOVQ cb+24(FP), R10
	MOVQ n+32(FP), CX
	MOVL kLo+40(FP), R11
	VPBROADCASTD R11, Z12
	MOVL kHi+44(FP), R11
	VPBROADCASTD R11, Z9
	MOVL thr+48(FP), R11
	VPBROADCASTD R11, Z8
	VPBROADCASTD candC<>+0(SB), Z13
	VPBROADCASTD candC<>+4(SB), Z11
	VPBROADCASTD candC<>+8(SB), Z10
	MOVL $16, R11
	VPBROADCASTD R11, Z14
	VMOVDQU32 candIdx16<>(SB), Z0 // indices i…i+15
	XORQ AX, AX                   // unit index
	XORQ R14, R14                 // candidates so far

qloop:
	CMPQ CX, $16
	JL   qtail
	UNIT_BITS16
	VPSRLD  $1, Z1, Z1            // u31 of units i…i+15
	VPCMPUD $5, Z8, Z1, K3        // b ≥ thr (not less than)
	CANDC_PACK
	VMOVUPD (R8)(AX*8), Z17       // their values, eight at a time
	CANDC_VALS_LO
	VMOVUPD 64(R8)(AX*8), Z18
	CAND_VALS_HI
	VPADDD Z14, Z0, Z0
	ADDQ $16, AX
	SUBQ $16, CX
	JMP  qloop

qtail:
	// the last n mod 16 units, under lane masks
	TESTQ CX, CX
	JZ   qdone
	MOVL $1, R11
	SHLL CX, R11
	DECL R11
	KMOVW R11, K4
	KMOVB R11, K5
	SHRL $8, R11
	KMOVB R11, K6
	UNIT_BITS16
	VPSRLD  $1, Z1, Z1            // u31 of units i…i+15
	VPCMPUD $5, Z8, Z1, K3
	KANDW   K4, K3, K3            // lanes before n
	CANDC_PACK
	VMOVUPD.Z (R8)(AX*8), K5, Z17
	CANDC_VALS_LO
	VMOVUPD.Z 64(R8)(AX*8), K6, Z18
	CAND_VALS_HI

qdone:
	MOVQ R14, ret+56(FP)
	VZEROUPPER
	RET

// func rowPointersAVX512(ptr *unsafe.Pointer, base unsafe.Pointer, stride uint64, idx *int32, n int) uint32
//
// ptr[q] = base + uint32(idx[q])·stride for q < n, eight at a time (the
// last n mod 8 under a lane mask), and returns the largest uint32(idx[q])
// (0 for n = 0) so that the caller can check every index against the rows
// before a kernel reads them. stride < 2^32. Needs AVX-512F.
TEXT ·rowPointersAVX512(SB), NOSPLIT, $0-44
	MOVQ ptr+0(FP), DI
	MOVQ base+8(FP), R8
	MOVQ stride+16(FP), R9
	MOVQ idx+24(FP), SI
	MOVQ n+32(FP), CX
	VPBROADCASTQ R8, Z4
	VPBROADCASTQ R9, Z5
	VPXORD Y6, Y6, Y6             // running maximum of the indices
	XORQ AX, AX

rp8:
	CMPQ CX, $8
	JL   rptail
	VPMOVZXDQ (SI)(AX*4), Z0
	VPMAXUD (SI)(AX*4), Y6, Y6
	VPMULUDQ Z5, Z0, Z0
	VPADDQ  Z4, Z0, Z0
	VMOVDQU64 Z0, (DI)(AX*8)
	ADDQ $8, AX
	SUBQ $8, CX
	JMP  rp8

rptail:
	TESTQ CX, CX
	JZ   rpmax
	MOVL $1, R10
	SHLL CX, R10
	DECL R10
	KMOVB R10, K1
	VMOVDQU32.Z (SI)(AX*4), K1, Y1
	VPMAXUD Y1, Y6, Y6
	VPMOVZXDQ Y1, Z0
	VPMULUDQ Z5, Z0, Z0
	VPADDQ  Z4, Z0, Z0
	VMOVDQU64 Z0, K1, (DI)(AX*8)

rpmax:
	VEXTRACTI128 $1, Y6, X7
	VPMAXUD X7, X6, X6
	VPSHUFD $0x4e, X6, X7
	VPMAXUD X7, X6, X6
	VPSHUFD $0xb1, X6, X7
	VPMAXUD X7, X6, X6
	MOVL X6, AX
	MOVL AX, ret+40(FP)
	VZEROUPPER
	RET

DATA narrowOne<>+0(SB)/8, $1.0
GLOBL narrowOne<>(SB), RODATA|NOPTR, $8

// func sumRowsNarrowAVX512(dst, base *float64, n int, rows *unsafe.Pointer, coef *float64, m int)
//
// sumRowsAVX512 for 1 ≤ n ≤ 16 (the output layer's rows): dst stays in two
// masked registers while every row is added. A narrow sum is one chain of
// dependent additions per element, so its time is the latency of that
// chain: a row with coefficient 1 (most spike counts) is added with VADDPD,
// whose result is the FMA's to the bit (1·w is exact and both round w+d
// once) in half the latency; other coefficients take the FMA as before. A
// NaN coefficient compares unordered and takes the FMA. Needs AVX-512F.
TEXT ·sumRowsNarrowAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ base+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ rows+24(FP), R8
	MOVQ coef+32(FP), R9
	MOVQ m+40(FP), R10
	MOVQ $1, R11
	SHLQ CX, R11
	DECQ R11                      // lanes 0…n−1
	KMOVB R11, K1
	SHRQ $8, R11
	KMOVB R11, K2
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	TESTQ SI, SI
	JZ   nrows
	VMOVUPD.Z 0(SI), K1, Z0
	VMOVUPD.Z 64(SI), K2, Z1

nrows:
	VMOVSD narrowOne<>(SB), X9
	XORQ BX, BX

nrow:
	CMPQ BX, R10
	JGE  nstore
	MOVQ (R8)(BX*8), DX
	VMOVSD (R9)(BX*8), X8
	VUCOMISD X9, X8
	JNE  nfma
	JPS  nfma
	VADDPD 0(DX), Z0, K1, Z0
	VADDPD 64(DX), Z1, K2, Z1
	INCQ BX
	JMP  nrow

nfma:
	VBROADCASTSD X8, Z8
	VFMADD231PD 0(DX), Z8, K1, Z0
	VFMADD231PD 64(DX), Z8, K2, Z1
	INCQ BX
	JMP  nrow

nstore:
	VMOVUPD Z0, K1, 0(DI)
	VMOVUPD Z1, K2, 64(DI)
	VZEROUPPER
	RET

// func spikeSettleAVX512(lam *float64, u31 *uint32, mask, hard *byte, n int)
//
// spikeSettleAVX eight units to a register: the same operations per unit
// (SETTLE4's, in the same order, none fused), the comparisons into mask
// registers. n a multiple of 8. Needs AVX-512F.
TEXT ·spikeSettleAVX512(SB), NOSPLIT, $0-40
	MOVQ lam+0(FP), SI
	MOVQ u31+8(FP), DI
	MOVQ mask+16(FP), DX
	MOVQ hard+24(FP), BX
	MOVQ n+32(FP), CX
	VBROADCASTSD settleC<>+0(SB), Z8
	VBROADCASTSD settleC<>+8(SB), Z9
	VBROADCASTSD settleC<>+16(SB), Z10
	VBROADCASTSD settleC<>+24(SB), Z11
	VBROADCASTSD settleC<>+32(SB), Z12
	VBROADCASTSD settleC<>+40(SB), Z13
	VBROADCASTSD settleC<>+48(SB), Z14
	VBROADCASTSD settleC<>+56(SB), Z15
	VBROADCASTSD settleC<>+64(SB), Z16
	XORQ AX, AX

s8loop:
	CMPQ CX, $8
	JL   s8done
	VCVTDQ2PD (DI)(AX*4), Z0      // b
	VMOVUPD (SI)(AX*8), Z1        // λ
	VADDPD Z8, Z0, Z2             // b+1
	VSUBPD Z1, Z8, Z3             // 1−λ
	VMULPD Z9, Z3, Z3
	VCMPPD $0x1e, Z3, Z2, K1      // candidate: b+1 > (1−λ)·2^31
	VMULPD Z10, Z0, Z0            // lo = b·2^−31
	VMULPD Z1, Z1, Z3             // l2 = λ²
	VMULPD Z12, Z1, Z4
	VSUBPD Z4, Z11, Z4            // 0.5 − λ/6
	VMULPD Z4, Z3, Z4
	VSUBPD Z1, Z8, Z5
	VADDPD Z4, Z5, Z5             // lo0 = (1−λ) + l2·(0.5−λ/6)
	VMULPD Z3, Z3, Z6             // l2·l2
	VMULPD Z14, Z6, Z4
	VADDPD Z4, Z5, Z4
	VADDPD Z15, Z4, Z4            // lo0 + l2²/24 + 2^−50
	VCMPPD $0x1d, Z4, Z0, K2      // lo ≥ that
	VADDPD Z10, Z0, Z0            // hi = lo + 2^−31
	VMULPD Z13, Z1, Z7
	VSUBPD Z7, Z11, Z7            // 0.5 − λ/3
	VMULPD Z7, Z3, Z7
	VSUBPD Z7, Z8, Z7             // 1 − l2·(0.5−λ/3)
	VMULPD Z16, Z6, Z6
	VSUBPD Z6, Z7, Z7
	VSUBPD Z15, Z7, Z7            // … − l2²/8 − 2^−50
	VCMPPD $0x12, Z7, Z0, K3      // hi ≤ that
	KANDB K3, K2, K2              // settled as 1
	VSUBPD Z15, Z5, Z5
	VCMPPD $0x12, Z5, Z0, K4      // settled as 0: hi ≤ lo0 − 2^−50
	KANDNB K1, K4, K5             // candidate, not 0
	KANDNB K5, K2, K6             // … and not 1: hard
	KANDB K1, K2, K2
	KORB  K2, K5, K5              // keep: candidate and (1 or not 0)
	KMOVB K5, R8
	KMOVB K6, R9
	MOVQ AX, R12
	SHRQ $3, R12
	MOVB R8, (DX)(R12*1)
	MOVB R9, (BX)(R12*1)
	ADDQ $8, AX
	SUBQ $8, CX
	JMP  s8loop

s8done:
	VZEROUPPER
	RET

// func inputSpikesAVX512(thr *uint32, ids *int32, n int, kLo, kHi uint32, idx *int32, cnt *float64, bits *uint32, keep, hard *uint64) int
//
// inputSpikesGo sixteen units at a time: the group's bits b (UNIT_BITS16)
// go to bits, its masks of kept and hard units to keep and hard (sixteen
// bits a group), and its kept units' ids, compressed in registers, to idx
// with count 1.0 in cnt (whole vectors: room for sixteen past the last).
// thr holds each group's thresholds as 64 values: tc, t1, t1e, tz for its
// sixteen units; the groups past n are whole, with tc = 2^32−1 (no
// candidate). Needs AVX-512F.
TEXT ·inputSpikesAVX512(SB), NOSPLIT, $0-80
	MOVQ thr+0(FP), R12
	MOVQ ids+8(FP), R8
	MOVQ n+16(FP), CX
	MOVL kLo+24(FP), R11
	VPBROADCASTD R11, Z12
	MOVL kHi+28(FP), R11
	VPBROADCASTD R11, Z9
	MOVQ idx+32(FP), DI
	MOVQ cnt+40(FP), R9
	MOVQ bits+48(FP), R10
	MOVQ keep+56(FP), BX
	MOVQ hard+64(FP), DX
	VPBROADCASTD candC<>+0(SB), Z13
	VPBROADCASTD candC<>+4(SB), Z11
	VPBROADCASTD candC<>+8(SB), Z10
	MOVL $16, R11
	VPBROADCASTD R11, Z14
	VBROADCASTSD candC<>+16(SB), Z20 // 1.0
	VMOVDQU32 candIdx16<>(SB), Z0  // indices i…i+15
	XORQ AX, AX                    // unit index
	XORQ R13, R13                  // the group's thresholds: 256 bytes a group
	XORQ SI, SI                    // the group's mask bits: 2 bytes a group
	XORQ R14, R14                  // kept so far

iloop:
	TESTQ CX, CX
	JLE  idone
	UNIT_BITS16
	VPSRLD  $1, Z1, Z1                       // b of units i…i+15
	VMOVDQU32 Z1, (R10)(AX*4)
	VPCMPUD $5, (R12)(R13*1), Z1, K1         // candidate: b ≥ tc
	VPCMPUD $5, 64(R12)(R13*1), Z1, K1, K2   // … and b ≥ t1
	VPCMPUD $1, 128(R12)(R13*1), Z1, K2, K2  // … and b < t1e: count 1
	VPCMPUD $1, 192(R12)(R13*1), Z1, K1, K3  // candidate, b < tz: 0 unless 1
	KANDNW  K1, K3, K4                       // candidate, not 0
	KANDNW  K4, K2, K5                       // … and not 1: hard
	KORW    K2, K4, K4                       // kept: 1 or not 0
	KMOVW   K4, (BX)(SI*1)
	KMOVW   K5, (DX)(SI*1)
	VMOVDQU32 (R8)(AX*4), Z2
	VPCOMPRESSD Z2, K4, Z2
	VMOVDQU32 Z2, (DI)(R14*4)
	VMOVUPD Z20, (R9)(R14*8)
	VMOVUPD Z20, 64(R9)(R14*8)
	KMOVW   K4, R11
	POPCNTL R11, R11
	ADDQ    R11, R14
	VPADDD  Z14, Z0, Z0
	ADDQ $16, AX
	ADDQ $256, R13
	ADDQ $2, SI
	SUBQ $16, CX
	JMP  iloop

idone:
	MOVQ R14, ret+72(FP)
	VZEROUPPER
	RET

// func traceStepZeroAVX512(x1, x2, dst, base *float64, n int, a1, a2, gain float64)
//
// traceStepAVX512 for a step whose new projection and leaving ring slot are
// both all +0, without reading them or writing the slot (it stays +0): per
// element x = a·((x + 0) − c·0) is a·(x + 0) (x + 0 is never −0, so
// subtracting +0 changes nothing, NaN payloads included), the same bits.
TEXT ·traceStepZeroAVX512(SB), NOSPLIT, $0-64
	MOVQ x1+0(FP), DI
	MOVQ x2+8(FP), SI
	MOVQ dst+16(FP), DX
	MOVQ base+24(FP), R8
	MOVQ n+32(FP), CX
	VBROADCASTSD a1+40(FP), Z8
	VBROADCASTSD a2+48(FP), Z9
	VBROADCASTSD gain+56(FP), Z12
	VPXORQ Z1, Z1, Z1              // the new projection, +0
	XORQ AX, AX

y8:
	CMPQ CX, $8
	JL   ytail
	VADDPD  (DI)(AX*1), Z1, Z2
	VMULPD  Z8, Z2, Z2
	VMOVUPD Z2, (DI)(AX*1)
	VADDPD  (SI)(AX*1), Z1, Z3
	VMULPD  Z9, Z3, Z3
	VMOVUPD Z3, (SI)(AX*1)
	VSUBPD  Z3, Z2, Z4
	VMOVUPD (R8)(AX*1), Z5
	VFMADD231PD Z12, Z4, Z5
	VMOVUPD Z5, (DX)(AX*1)
	ADDQ $64, AX
	SUBQ $8, CX
	JMP  y8

ytail:
	TESTQ CX, CX
	JZ   ydone
	MOVL $1, R11
	SHLL CX, R11
	DECL R11
	KMOVB R11, K1                   // lanes 0…n mod 8 − 1
	VMOVUPD.Z (DI)(AX*1), K1, Z6
	VADDPD  Z6, Z1, Z2
	VMULPD  Z8, Z2, Z2
	VMOVUPD Z2, K1, (DI)(AX*1)
	VMOVUPD.Z (SI)(AX*1), K1, Z7
	VADDPD  Z7, Z1, Z3
	VMULPD  Z9, Z3, Z3
	VMOVUPD Z3, K1, (SI)(AX*1)
	VSUBPD  Z3, Z2, Z4
	VMOVUPD.Z (R8)(AX*1), K1, Z5
	VFMADD231PD Z12, Z4, Z5
	VMOVUPD Z5, K1, (DX)(AX*1)

ydone:
	VZEROUPPER
	RET

// func divAVX512(dst, x *float64, n int, w float64)
//
// dst[i] = x[i] / w eight at a time, the last n mod 8 under a lane mask.
// VDIVPD rounds correctly, as the scalar division does: the same bits.
TEXT ·divAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSD w+24(FP), Z8
	XORQ AX, AX

d8:
	CMPQ CX, $8
	JL   dtail
	VMOVUPD (SI)(AX*1), Z0
	VDIVPD  Z8, Z0, Z0
	VMOVUPD Z0, (DI)(AX*1)
	ADDQ $64, AX
	SUBQ $8, CX
	JMP  d8

dtail:
	TESTQ CX, CX
	JZ   ddone
	MOVL $1, R11
	SHLL CX, R11
	DECL R11
	KMOVB R11, K1
	VMOVUPD.Z (SI)(AX*1), K1, Z0
	VDIVPD  Z8, Z0, Z0
	VMOVUPD Z0, K1, (DI)(AX*1)

ddone:
	VZEROUPPER
	RET

// func divAVX(dst, x *float64, n int, w float64)
//
// divAVX512 four at a time for n a multiple of 4 (the caller divides the
// rest): VDIVPD rounds correctly, the same bits. Needs AVX.
TEXT ·divAVX(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSD w+24(FP), Y8
	XORQ AX, AX

v4:
	CMPQ CX, $4
	JL   vdone
	VMOVUPD (SI)(AX*1), Y0
	VDIVPD  Y8, Y0, Y0
	VMOVUPD Y0, (DI)(AX*1)
	ADDQ $32, AX
	SUBQ $4, CX
	JMP  v4

vdone:
	VZEROUPPER
	RET
