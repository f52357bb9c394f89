// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The arithmetic expressions over a register file, shared by trace (one
 * packet) and reach (which runs them on each value it enumerates):
 * nft_cmp_eval, nft_range_eval, nft_bitwise_eval, nft_byteorder_eval.
 */
#include <string.h>
#include <linux/netfilter/nf_tables.h>

#include "eval_internal.h"
#include "fwaudit/model.h"

const uint8_t *expr_data(const struct expr *e, uint16_t type, uint32_t *len)
{
	const struct attr *a = expr_attr(e, type);

	if (!a || a->kind != ATTR_DATA || a->is_verdict) {
		*len = 0;
		return NULL;
	}
	*len = a->len;
	return a->bytes;
}

int op_cmp(const struct expr *e, const uint8_t *regs)
{
	uint32_t sreg = (uint32_t)expr_num(e, NFTA_CMP_SREG, 0), len;
	const uint8_t *data = expr_data(e, NFTA_CMP_DATA, &len);
	int off = reg_offset(sreg, len), d;

	if (!data || off < 0)
		return -1;
	d = memcmp(regs + off, data, len);
	switch (expr_num(e, NFTA_CMP_OP, 0)) {
	case NFT_CMP_EQ:
		return d == 0;
	case NFT_CMP_NEQ:
		return d != 0;
	case NFT_CMP_LT:
		return d < 0;
	case NFT_CMP_LTE:
		return d <= 0;
	case NFT_CMP_GT:
		return d > 0;
	case NFT_CMP_GTE:
		return d >= 0;
	default:
		return -1;
	}
}

int op_range(const struct expr *e, const uint8_t *regs)
{
	uint32_t sreg = (uint32_t)expr_num(e, NFTA_RANGE_SREG, 0), flen, tlen;
	const uint8_t *from = expr_data(e, NFTA_RANGE_FROM_DATA, &flen);
	const uint8_t *to = expr_data(e, NFTA_RANGE_TO_DATA, &tlen);
	int off = reg_offset(sreg, flen);
	bool in;

	if (!from || !to || flen != tlen || off < 0)
		return -1;
	in = memcmp(regs + off, from, flen) >= 0 && memcmp(regs + off, to, flen) <= 0;
	return in ^ (expr_num(e, NFTA_RANGE_OP, 0) == NFT_RANGE_NEQ);
}

int op_bitwise(const struct expr *e, uint8_t *regs)
{
	uint32_t sreg = (uint32_t)expr_num(e, NFTA_BITWISE_SREG, 0);
	uint32_t dreg = (uint32_t)expr_num(e, NFTA_BITWISE_DREG, 0);
	uint32_t len = (uint32_t)expr_num(e, NFTA_BITWISE_LEN, 0);
	uint32_t op = (uint32_t)expr_num(e, NFTA_BITWISE_OP, NFT_BITWISE_BOOL);
	uint32_t words = (len + 3) / 4, src[16], dst[16] = { 0 }, mlen, xlen, dlen;
	const uint8_t *mask = expr_data(e, NFTA_BITWISE_MASK, &mlen);
	const uint8_t * xor = expr_data(e, NFTA_BITWISE_XOR, &xlen);
	const uint8_t *data = expr_data(e, NFTA_BITWISE_DATA, &dlen);
	int so = reg_offset(sreg, words * 4), dof = reg_offset(dreg, words * 4);
	uint32_t shift = 0, carry = 0;

	if (so < 0 || dof < 0 || words == 0 || words > 16)
		return -1;
	memcpy(src, regs + so, words * 4);
	if (op == NFT_BITWISE_BOOL) {
		uint8_t m[64] = { 0 }, x[64] = { 0 };

		if (!mask || !xor || mlen > 64 || xlen > 64)
			return -1;
		memcpy(m, mask, mlen);
		memcpy(x, xor, xlen);
		for (uint32_t i = 0; i < words * 4; i++)
			((uint8_t *)dst)[i] = (((uint8_t *)src)[i] & m[i]) ^ x[i];
	} else if (op == NFT_BITWISE_LSHIFT || op == NFT_BITWISE_RSHIFT) {
		if (!data || dlen < 4)
			return -1;
		memcpy(&shift, data, 4);
		if (shift >= 32)
			return -1;
		if (op == NFT_BITWISE_LSHIFT) {
			for (uint32_t i = words; i > 0; i--) {
				dst[i - 1] = (src[i - 1] << shift) | carry;
				carry = shift ? src[i - 1] >> (32 - shift) : 0;
			}
		} else {
			for (uint32_t i = 0; i < words; i++) {
				dst[i] = carry | (src[i] >> shift);
				carry = shift ? src[i] << (32 - shift) : 0;
			}
		}
	} else {
		return -1;
	}
	memcpy(regs + dof, dst, words * 4);
	return 0;
}

int op_byteorder(const struct expr *e, uint8_t *regs)
{
	uint32_t sreg = (uint32_t)expr_num(e, NFTA_BYTEORDER_SREG, 0);
	uint32_t dreg = (uint32_t)expr_num(e, NFTA_BYTEORDER_DREG, 0);
	uint32_t len = (uint32_t)expr_num(e, NFTA_BYTEORDER_LEN, 0);
	uint32_t size = (uint32_t)expr_num(e, NFTA_BYTEORDER_SIZE, 0);
	int so = reg_offset(sreg, len), dof = reg_offset(dreg, len);
	uint8_t tmp[80];

	if (so < 0 || dof < 0 || (size != 2 && size != 4 && size != 8))
		return -1;
	/* both directions swap on a little-endian host */
	for (uint32_t i = 0; i + size <= len; i += size)
		for (uint32_t k = 0; k < size; k++)
			tmp[i + k] = regs[so + i + size - 1 - k];
	memcpy(regs + dof, tmp, len - len % size);
	return 0;
}
