// SPDX-License-Identifier: GPL-2.0
/*
 * decode.c - decode one x86-64 instruction against the whitelist.
 *
 * The decoder trusts nothing the assembler did: it reads the bytes as the
 * CPU would, and accepts only the encodings listed in the spec's
 * instruction table.  Everything else is rejected here, with a message
 * that names the class (privileged, FPU/SSE, prefix, ...).
 *
 * Invariant on success: in->len bytes starting at in->off lie inside the
 * code, and the operands are exactly what the CPU will use.
 */
#include "ktal_int.h"

const char *const kt_opname[OP_COUNT] = {
	[OP_MOV] = "mov", [OP_MOVZX8] = "movzx", [OP_STORE8] = "mov byte",
	[OP_LEA] = "lea", [OP_ALU] = "alu", [OP_TEST] = "test",
	[OP_IMUL] = "imul", [OP_SHIFT] = "shift", [OP_INC] = "inc",
	[OP_DEC] = "dec", [OP_NEG] = "neg", [OP_NOT] = "not", [OP_DIV] = "div",
	[OP_PUSH] = "push", [OP_POP] = "pop", [OP_CALL] = "call",
	[OP_CALLR] = "call reg", [OP_CALLM] = "call [slot]", [OP_JMP] = "jmp",
	[OP_JCC] = "jcc", [OP_RET] = "ret", [OP_NOP] = "nop", [OP_CMOV] = "cmov",
};

/* Decoding cursor. */
struct dc {
	const u8 *p;	/* code */
	u32 len;	/* code size */
	u32 pos;	/* next byte */
	int short_;	/* ran past the end of the code */
};

static u8 byte(struct dc *d)
{
	if (d->pos >= d->len) {
		d->short_ = 1;
		return 0;
	}
	return d->p[d->pos++];
}

static s64 imm(struct dc *d, int n)
{
	u64 v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (u64)byte(d) << (8 * i);
	if (n < 8 && (v >> (8 * n - 1) & 1)) /* sign-extend */
		v |= ~0ULL << (8 * n);
	return (s64)v;
}

/* Why an opcode outside the whitelist is rejected. */
static const char *classify(u8 op, u8 op2, int two)
{
	if (!two) {
		switch (op) {
		case 0xfa: case 0xfb: case 0xf4: case 0x9c: case 0x9d:
		case 0xcf: case 0xcc: case 0xcd: case 0xce: case 0xf1:
		case 0xe4: case 0xe5: case 0xe6: case 0xe7: case 0xec:
		case 0xed: case 0xee: case 0xef: case 0x6c: case 0x6d:
		case 0x6e: case 0x6f: case 0xfd: case 0x8e: case 0x8c:
			return "privileged or system instruction";
		case 0xea: case 0x9a: case 0xca: case 0xcb:
			return "far transfer";
		case 0xc9:
			return "leave is not allowed";
		case 0xa4: case 0xa5: case 0xaa: case 0xab: case 0xa6:
		case 0xa7: case 0xac: case 0xad: case 0xae: case 0xaf:
			return "string instruction";
		}
		if (op >= 0xd8 && op <= 0xdf)
			return "FPU/SSE instruction";
		return "instruction not in whitelist";
	}
	switch (op2) {
	case 0x00: case 0x01: case 0x05: case 0x06: case 0x07: case 0x08:
	case 0x09: case 0x20: case 0x21: case 0x22: case 0x23:
	case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35:
	case 0xa0: case 0xa1: case 0xa8: case 0xa9: case 0xa2: case 0x78:
	case 0x79:
		return "privileged or system instruction";
	}
	/* 0f ff is UD0, not SSE: it falls through to the whitelist message */
	if ((op2 >= 0x10 && op2 <= 0x17) || (op2 >= 0x28 && op2 <= 0x2f) ||
	    (op2 >= 0x50 && op2 <= 0x7f) || op2 == 0xae ||
	    (op2 >= 0xc2 && op2 <= 0xc6) || (op2 >= 0xd0 && op2 <= 0xfe) ||
	    op2 == 0x38 || op2 == 0x3a)
		return "FPU/SSE instruction";
	return "instruction not in whitelist";
}

/* Decode a ModRM (and SIB, displacement) into *rm; *reg gets the reg
 * field.  rex: the REX byte or 0. */
static void modrm(struct dc *d, u8 rex, u8 *reg, struct kopnd *rm)
{
	u8 m = byte(d), mod = m >> 6, r = m & 7;

	*reg = (u8)(((m >> 3) & 7) | ((rex & 4) << 1));
	rm->has_index = 0;
	rm->scale = 1;
	rm->disp = 0;
	if (mod == 3) {
		rm->kind = O_REG;
		rm->reg = (u8)(r | ((rex & 1) << 3));
		return;
	}
	rm->kind = O_MEM;
	if (r == 4) {
		u8 sib = byte(d), base = sib & 7, idx = ((sib >> 3) & 7) | ((rex & 2) << 2);

		rm->scale = (u8)(1 << (sib >> 6));
		if (idx != R_SP) {
			rm->has_index = 1;
			rm->index = idx;
		}
		if (base == 5 && mod == 0) {
			rm->base = 0xff; /* no base: absolute address */
			rm->disp = imm(d, 4);
			return;
		}
		rm->base = (u8)(base | ((rex & 1) << 3));
	} else if (r == 5 && mod == 0) {
		rm->base = R_RIP;
		rm->disp = imm(d, 4);
		return;
	} else {
		rm->base = (u8)(r | ((rex & 1) << 3));
	}
	if (mod == 1)
		rm->disp = imm(d, 1);
	else if (mod == 2)
		rm->disp = imm(d, 4);
}

static int rej(struct kck *ck, const char *msg)
{
	return kt_fail(ck, msg, KT_NOTYPE, "", KT_NOTYPE, "");
}

int kt_decode(struct kck *ck, u32 off, struct kinsn *in)
{
	struct dc d = { ck->code.p, (u32)ck->code.len, off, 0 };
	u8 rex = 0, op, digit;
	int w;

	/* every field the typing rules read is set here or by the case
	 * that decodes the operand (modrm sets all memory operand fields) */
	in->off = off;
	in->len = 1;
	in->op = OP_COUNT;
	in->sub = in->cc = 0;
	in->dst.kind = in->src.kind = O_NONE;
	in->dst.reg = in->src.reg = 0;
	in->dst.has_index = in->src.has_index = 0;
	in->dst.disp = in->src.disp = 0;
	in->target = 0;
	ck->cur_insn = in;
	op = byte(&d);
	switch (op) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
		return rej(ck, "segment override prefix");
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return rej(ck, "prefix not allowed");
	}
	if ((op & 0xf0) == 0x40) {
		rex = op;
		op = byte(&d);
		if ((op & 0xf0) == 0x40 || op == 0x26 || op == 0x2e || op == 0x36 ||
		    op == 0x3e || op == 0x64 || op == 0x65 || op == 0x66 ||
		    op == 0x67 || op == 0xf0 || op == 0xf2 || op == 0xf3)
			return rej(ck, "prefix not allowed");
	}
	w = (rex & 8) != 0;
	in->size = w ? 8 : 4;
	if (op == 0x0f) {
		u8 op2 = byte(&d);

		if (d.short_)
			goto short_;
		if (op2 == 0xb6) {
			in->op = OP_MOVZX8;
			in->dst.kind = O_REG;
			modrm(&d, rex, &in->dst.reg, &in->src);
			if (in->src.kind != O_MEM)
				goto form;
		} else if (op2 == 0xaf) {
			in->op = OP_IMUL;
			in->dst.kind = O_REG;
			modrm(&d, rex, &in->dst.reg, &in->src);
			if (in->src.kind != O_REG)
				goto form;
		} else if ((op2 & 0xf0) == 0x40) {
			in->op = OP_CMOV;
			in->cc = op2 & 15;
			in->dst.kind = O_REG;
			modrm(&d, rex, &in->dst.reg, &in->src);
			if (in->src.kind != O_REG)
				goto form;
		} else if ((op2 & 0xf0) == 0x80) {
			in->op = OP_JCC;
			in->cc = op2 & 15;
			in->target = imm(&d, 4);
			in->target += d.pos;
		} else {
			in->len = d.pos - off;
			return rej(ck, classify(op, op2, 1));
		}
		goto done;
	}
	switch (op) {
	case 0x88:
		in->op = OP_STORE8;
		in->size = 1;
		in->src.kind = O_REG;
		modrm(&d, rex, &in->src.reg, &in->dst);
		if (in->dst.kind != O_MEM)
			goto form;
		if (!rex && in->src.reg >= 4) {
			in->len = d.pos - off;
			return rej(ck, "high byte register");
		}
		break;
	case 0x89: case 0x01: case 0x09: case 0x19: case 0x21: case 0x29:
	case 0x31: case 0x39: case 0x85:
		in->op = op == 0x89 ? OP_MOV : op == 0x85 ? OP_TEST : OP_ALU;
		in->sub = op >> 3;
		in->src.kind = O_REG;
		modrm(&d, rex, &in->src.reg, &in->dst);
		if (in->op != OP_MOV && in->dst.kind != O_REG)
			goto form;
		break;
	case 0x8b: case 0x03: case 0x0b: case 0x1b: case 0x23: case 0x2b:
	case 0x33: case 0x3b:
		in->op = op == 0x8b ? OP_MOV : OP_ALU;
		in->sub = op >> 3;
		in->dst.kind = O_REG;
		modrm(&d, rex, &in->dst.reg, &in->src);
		break;
	case 0x8d:
		in->op = OP_LEA;
		in->dst.kind = O_REG;
		modrm(&d, rex, &in->dst.reg, &in->src);
		if (in->src.kind != O_MEM || !w)
			goto form;
		break;
	case 0xc7:
		in->op = OP_MOV;
		modrm(&d, rex, &digit, &in->dst);
		if (digit != 0)
			goto form;
		in->src.kind = O_IMM;
		in->src.disp = imm(&d, 4);
		break;
	case 0x81: case 0x83:
		in->op = OP_ALU;
		modrm(&d, rex, &digit, &in->dst);
		digit &= 7;
		if (in->dst.kind != O_REG || digit == 2)
			goto form;
		in->sub = digit;
		in->src.kind = O_IMM;
		in->src.disp = imm(&d, op == 0x81 ? 4 : 1);
		break;
	case 0xc1: case 0xd1: case 0xd3:
		in->op = OP_SHIFT;
		modrm(&d, rex, &digit, &in->dst);
		digit &= 7;
		if (in->dst.kind != O_REG || (digit != 4 && digit != 5 && digit != 7))
			goto form;
		in->sub = digit;
		if (op == 0xd3) {
			in->src.kind = O_REG;
			in->src.reg = R_CX;
		} else {
			in->src.kind = O_IMM;
			in->src.disp = op == 0xd1 ? 1 : imm(&d, 1) & 0xff;
		}
		break;
	case 0xff:
		modrm(&d, rex, &digit, &in->dst);
		digit &= 7;
		if (digit == 0 || digit == 1) {
			in->op = digit ? OP_DEC : OP_INC;
			if (in->dst.kind != O_REG)
				goto form;
		} else if (digit == 2) {
			if (in->dst.kind == O_REG) {
				in->op = OP_CALLR;
			} else {
				in->op = OP_CALLM;
				if (in->dst.base != R_RIP || in->dst.has_index) {
					in->len = d.pos - off;
					return rej(ck, "indirect call through memory");
				}
			}
		} else if (digit == 4) {
			in->len = d.pos - off;
			return rej(ck, "indirect jump");
		} else if (digit == 3 || digit == 5) {
			in->len = d.pos - off;
			return rej(ck, "far transfer");
		} else {
			goto form;
		}
		break;
	case 0xf7:
		modrm(&d, rex, &digit, &in->dst);
		digit &= 7;
		if (in->dst.kind != O_REG)
			goto form;
		if (digit == 2)
			in->op = OP_NOT;
		else if (digit == 3)
			in->op = OP_NEG;
		else if (digit == 6)
			in->op = OP_DIV;
		else
			goto form;
		break;
	case 0xc3:
		in->op = OP_RET;
		break;
	case 0xe8: case 0xe9: case 0xeb:
		in->op = op == 0xe8 ? OP_CALL : OP_JMP;
		in->target = imm(&d, op == 0xeb ? 1 : 4);
		in->target += d.pos;
		break;
	case 0x90:
		if (rex & 1)
			goto form;
		in->op = OP_NOP;
		break;
	default:
		if (op >= 0x50 && op <= 0x5f) {
			in->op = op < 0x58 ? OP_PUSH : OP_POP;
			in->dst.kind = O_REG;
			in->dst.reg = (u8)((op & 7) | ((rex & 1) << 3));
			in->size = 8;
			break;
		}
		if (op >= 0xb8 && op <= 0xbf) {
			in->op = OP_MOV;
			in->dst.kind = O_REG;
			in->dst.reg = (u8)((op & 7) | ((rex & 1) << 3));
			in->src.kind = O_IMM;
			in->src.disp = w ? imm(&d, 8) : (s64)(u32)imm(&d, 4);
			break;
		}
		if (op >= 0x70 && op <= 0x7f) {
			in->op = OP_JCC;
			in->cc = op & 15;
			in->target = imm(&d, 1);
			in->target += d.pos;
			break;
		}
		if (d.short_)
			goto short_;
		in->len = d.pos - off;
		return rej(ck, classify(op, 0, 0));
	}
done:
	if (d.short_)
		goto short_;
	in->len = d.pos - off;
	if (in->len > 15)
		return rej(ck, "instruction too long");
	if ((in->src.kind == O_MEM && in->src.base == 0xff) ||
	    (in->dst.kind == O_MEM && in->dst.base == 0xff))
		return rej(ck, "memory operand without base register");
	return 1;
form:
	if (d.short_)
		goto short_;
	in->len = d.pos - off;
	return rej(ck, "instruction form not in whitelist");
short_:
	in->len = d.len - off;
	return rej(ck, "instruction runs past the end of the code");
}
