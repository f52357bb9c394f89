/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the files of src/model/ only. */
#ifndef FWAUDIT_MODEL_INTERNAL_H
#define FWAUDIT_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

struct strbuf;

#define SNAPSHOT_FORMAT_VERSION 1

/* Inverse of verdict_code_name(); false if unknown. */
bool verdict_code_parse(const char *name, int32_t *code);
/* "input", "prerouting", "ingress", ... for @family; NULL if unknown. */

/* Append lowercase hex of @p to @out. */
void hex_encode(struct strbuf *out, const uint8_t *p, uint32_t len);
/* Decode even-length hex; returns byte count or -1. @out needs len/2 bytes. */
int hex_decode(const char *s, uint8_t *out);

#endif
