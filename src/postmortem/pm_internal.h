/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_PM_INTERNAL_H
#define FWAUDIT_PM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

struct incident;
struct strbuf;
struct ynode;

/* ---- when.c: dates, times and durations in prose ---- */

/* The first date in @s as "YYYY-MM-DD" into @out; false if none. */
bool when_find_date(const char *s, char out[11]);

/*
 * The first two times of @text ("from 9:00 AM to 11:30 AM (GMT)", with
 * dates between them or not) as ISO 8601 start and end (malloc'd, NULL when
 * no date is known), their span in seconds (-1 when fewer than two times).
 * @date: the day when the text names none, or NULL.
 */
void when_parse_range(const char *text, const char *date, char **start, char **end, long *span);

/* A duration stated in words ("almost two and a half hours", "2.5-hour",
 * "30 minutes") in @text: seconds, or -1; *phrase the words (malloc'd). */
long when_stated_duration(const char *text, char **phrase);

/* "2023-06-01T09:00:00+00:00" (offset optional) as seconds since the
 * epoch, or -1. */
long when_iso_seconds(const char *s);

/* "40%" / "40 percent" in @text, or -1. */
double when_percent(const char *text);

/* ---- yaml.c ---- */

/* Apply front matter keys (@fm, a mapping) to @in; errors into @err. */
int front_matter_apply(struct incident *in, const char *name, const struct ynode *fm,
		       struct strbuf *err);

/* ---- index.c ---- */

/* A new item of @in (zeroed except line), to be filled by the reader. */
struct action_item *incident_add_item(struct incident *in, unsigned line);
void incident_warn(struct incident *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* After reading: ids (slug of date and title, ordinals), hashes, duration. */
void incident_finish(struct incident *in);
/* The words of @s normalised for hashing and comparing. */
char *text_normalise(const char *s);

#endif
