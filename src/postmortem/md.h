/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_PM_MD_H
#define FWAUDIT_PM_MD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The Markdown scanner's line model (lines.c), read by markdown.c. */

enum line_kind {
	LK_BLANK,
	LK_HEADING,
	LK_ITEM,
	LK_TABLE,
	LK_HR,
	LK_TEXT,
};

/**
 * struct mdline - one classified line.
 * @level: a heading's level: 1-6 for '#' and setext headings (and a title
 *	line), 7 for a line that only reads as a heading ("Timeline:")
 * @atx: written as a Markdown heading ('#', setext) or the title line
 * @title_line: a short first line of its own taken as the title
 * @indent: column of the first character (tabs to multiples of 4)
 * @check: a list item's checkbox: -1 none, 0 "[ ]", 1 "[x]"
 * @raw: the text after the list marker or '#'s, inline Markdown kept
 * @plain: that text as plain text (heading: numbering and ':' removed)
 * @label, @rest: "Label: rest" split, when the text starts with a label
 * @anchor: a trailing {#id}, or NULL
 */
struct mdline {
	enum line_kind kind;
	uint32_t lineno;
	int level, indent, check;
	bool atx, title_line, ordered;
	char *raw, *plain, *label, *rest, *anchor;
};

/* @buf with Windows-1252 mojibake of UTF-8 repaired ("â€”" -> "—"). */
char *mojibake_repair(const char *buf, size_t len);
/* @s without inline Markdown and HTML: images dropped, links as
 * "text (url)", emphasis removed, spaces collapsed. Caller frees. */
char *inline_plain(const char *s);
/* Classify the lines of the NUL-terminated @text, numbering from
 * @first_line. Free with md_lines_free(). */
struct mdline *md_lines(const char *text, size_t first_line, size_t *count);
void md_lines_free(struct mdline *v, size_t n);

#endif
