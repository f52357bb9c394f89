// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dates, times and durations as postmortems write them: "June 1st, 2023",
 * "from 9:00 AM to 11:30 AM (GMT)", "November 9, 2023, 8:00 PM - November
 * 10, 2023, 2:00 AM (UTC)", "lasting almost two and half hours".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fwaudit/util.h"
#include "pm_internal.h"

static const char *const months[] = { "january",   "february", "march",	   "april",
				      "may",	   "june",     "july",	   "august",
				      "september", "october",  "november", "december" };

static bool word_start(const char *base, const char *p)
{
	return p == base || !isalnum((unsigned char)p[-1]);
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A month name (full, three letters, "Sept"), optionally with '.'; 1-12 or 0. */
static int month_at(const char *p, const char **end)
{
	size_t n = 0;

	while (isalpha((unsigned char)p[n]))
		n++;
	if (n < 3)
		return 0;
	for (int m = 0; m < 12; m++) {
		size_t full = strlen(months[m]);

		if ((n == full || n == 3 || (m == 8 && n == 4)) && n <= full &&
		    !strncasecmp(p, months[m], n)) {
			*end = p + n + (p[n] == '.');
			return m + 1;
		}
	}
	return 0;
}

/* A day of month with an optional "st", "nd", "rd", "th". */
static int day_at(const char *p, const char **end)
{
	int d = 0, n = 0;

	while (isdigit((unsigned char)p[n]) && n < 3)
		d = d * 10 + (p[n++] - '0');
	if (!n || n > 2 || d < 1 || d > 31)
		return 0;
	if (!strncasecmp(p + n, "st", 2) || !strncasecmp(p + n, "nd", 2) ||
	    !strncasecmp(p + n, "rd", 2) || !strncasecmp(p + n, "th", 2))
		n += 2;
	if (isalnum((unsigned char)p[n]))
		return 0;
	*end = p + n;
	return d;
}

static int year_at(const char *p, const char **end)
{
	p = skip_space(p);
	if (*p == ',')
		p = skip_space(p + 1);
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)p[i]))
			return 0;
	if (isdigit((unsigned char)p[4]) || p[0] < '1' || p[0] > '2')
		return 0;
	*end = p + 4;
	return atoi(p) >= 1970 && atoi(p) < 2200 ? atoi(p) : 0;
}

/* A date starting exactly at @p; the end in *end. */
static bool date_at(const char *p, int *y, int *m, int *d, const char **end)
{
	const char *q;

	/* the shape first, a byte at a time: the text may end anywhere */
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) && p[4] == '-' &&
	    isdigit((unsigned char)p[5]) && isdigit((unsigned char)p[6]) && p[7] == '-' &&
	    isdigit((unsigned char)p[8]) && isdigit((unsigned char)p[9]) &&
	    !isdigit((unsigned char)p[10]) && sscanf(p, "%4d-%2d-%2d", y, m, d) == 3 && *m >= 1 &&
	    *m <= 12 && *d >= 1 && *d <= 31) {
		*end = p + 10;
		return true;
	}
	if ((*m = month_at(p, &q))) {
		q = skip_space(q);
		if ((*d = day_at(q, &q)) && (*y = year_at(q, end)))
			return true;
		return false;
	}
	if ((*d = day_at(p, &q))) {
		q = skip_space(q);
		if (!strncasecmp(q, "of ", 3))
			q = skip_space(q + 3);
		if ((*m = month_at(q, &q)) && (*y = year_at(q, end)))
			return true;
	}
	return false;
}

bool when_find_date(const char *s, char out[11])
{
	int y, m, d;
	const char *end;

	for (const char *p = s; *p; p++)
		if (word_start(s, p) && isalnum((unsigned char)*p) &&
		    date_at(p, &y, &m, &d, &end)) {
			snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
			return true;
		}
	return false;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static const struct {
	const char *name;
	int minutes;
} zones[] = {
	{ "UTC", 0 },	 { "GMT", 0 },	  { "Z", 0 },	   { "PST", -480 }, { "PDT", -420 },
	{ "MST", -420 }, { "MDT", -360 }, { "CST", -360 }, { "CDT", -300 }, { "EST", -300 },
	{ "EDT", -240 }, { "BST", 60 },	  { "WAT", 60 },   { "CET", 60 },   { "CEST", 120 },
	{ "EET", 120 },	 { "EEST", 180 }, { "SAST", 120 }, { "EAT", 180 },  { "MSK", 180 },
	{ "IST", 330 },	 { "JST", 540 },  { "AEST", 600 }, { "AEDT", 660 }, { "NZST", 720 },
};

/* An explicit offset "+02:00", "+0200", "+2", "-8" at @p. */
static bool offset_at(const char *p, int *minutes, const char **end)
{
	int sign, h = 0, m = 0, n = 1;

	if (*p != '+' && *p != '-')
		return false;
	sign = *p == '-' ? -1 : 1;
	if (!isdigit((unsigned char)p[1]))
		return false;
	while (isdigit((unsigned char)p[n]) && n < 5)
		n++;
	if (n - 1 == 4) {
		h = (p[1] - '0') * 10 + (p[2] - '0');
		m = (p[3] - '0') * 10 + (p[4] - '0');
	} else if (n - 1 <= 2) {
		h = atoi(p + 1);
		if (p[n] == ':' && isdigit((unsigned char)p[n + 1]) &&
		    isdigit((unsigned char)p[n + 2])) {
			m = atoi(p + n + 1);
			n += 3;
		}
	} else {
		return false;
	}
	if (h > 14 || m > 59)
		return false;
	*minutes = sign * (h * 60 + m);
	*end = p + n;
	return true;
}

/* A zone right after a time: "(GMT)", "UTC", "PST", "+02:00", "UTC+1". */
static bool zone_at(const char *p, int *minutes, const char **end)
{
	bool paren;

	p = skip_space(p);
	paren = *p == '(';
	p += paren;
	if (offset_at(p, minutes, end))
		goto close;
	for (size_t i = 0; i < ARRAY_SIZE(zones); i++) {
		size_t n = strlen(zones[i].name);

		if (!strncmp(p, zones[i].name, n) && !isalpha((unsigned char)p[n])) {
			int extra;

			*minutes = zones[i].minutes;
			*end = p + n;
			if ((!strcmp(zones[i].name, "UTC") || !strcmp(zones[i].name, "GMT")) &&
			    offset_at(*end, &extra, end))
				*minutes = extra;
			goto close;
		}
	}
	return false;
close:
	if (paren && **end == ')')
		(*end)++;
	return true;
}

/* "9:00 AM", "08:00", "2 PM", "14:30:00" at @p: minutes of the day, or -1. */
static int time_at(const char *base, const char *p, const char **end)
{
	int h = 0, m = 0, n = 0;
	const char *q;

	if (!word_start(base, p) || (p > base && p[-1] == ':'))
		return -1;
	while (isdigit((unsigned char)p[n]) && n < 3)
		h = h * 10 + (p[n++] - '0');
	if (!n || n > 2)
		return -1;
	q = p + n;
	if (*q == ':' && isdigit((unsigned char)q[1]) && isdigit((unsigned char)q[2]) &&
	    !isdigit((unsigned char)q[3])) {
		m = (q[1] - '0') * 10 + (q[2] - '0');
		q += 3;
		if (*q == ':' && isdigit((unsigned char)q[1]) && isdigit((unsigned char)q[2]))
			q += 3;
	} else if (*q == ':' || *q == '.' || isalnum((unsigned char)*q)) {
		if (strncasecmp(q, "am", 2) && strncasecmp(q, "pm", 2))
			return -1;
	} else {
		const char *r = skip_space(q);

		/* a bare number is a time only with AM / PM after it */
		if (strncasecmp(r, "am", 2) && strncasecmp(r, "pm", 2) &&
		    strncasecmp(r, "a.m.", 4) && strncasecmp(r, "p.m.", 4))
			return -1;
	}
	{
		const char *r = skip_space(q);
		bool am = !strncasecmp(r, "am", 2) || !strncasecmp(r, "a.m.", 4);
		bool pm = !strncasecmp(r, "pm", 2) || !strncasecmp(r, "p.m.", 4);

		if ((am || pm) && !isalpha((unsigned char)r[r[1] == '.' ? 4 : 2])) {
			if (h < 1 || h > 12)
				return -1;
			h = h % 12 + (pm ? 12 : 0);
			q = r + (r[1] == '.' ? 4 : 2);
		}
	}
	if (h > 23 || m > 59)
		return -1;
	*end = q;
	return h * 60 + m;
}

struct when_point {
	int minute; /* of the day */
	bool has_date, has_zone;
	int y, mo, d;
	int zone; /* minutes east of UTC */
};

static char *iso(const struct when_point *w, long day_shift)
{
	int y, m, d;

	civil_from_days(days_from_civil(w->y, w->mo, w->d) + day_shift, &y, &m, &d);
	if (!w->has_zone)
		return xasprintf("%04d-%02d-%02dT%02d:%02d:00", y, m, d, w->minute / 60,
				 w->minute % 60);
	return xasprintf("%04d-%02d-%02dT%02d:%02d:00%c%02d:%02d", y, m, d, w->minute / 60,
			 w->minute % 60, w->zone < 0 ? '-' : '+', abs(w->zone) / 60,
			 abs(w->zone) % 60);
}

void when_parse_range(const char *text, const char *date, char **start, char **end, long *span)
{
	struct when_point pt[2] = { 0 };
	int cy = 0, cm = 0, cd = 0, npt = 0;
	bool have_date = false;
	long s0, s1, shift = 0;

	*start = *end = NULL;
	*span = -1;
	if (date && sscanf(date, "%4d-%2d-%2d", &cy, &cm, &cd) == 3)
		have_date = true;
	for (const char *p = text; *p && npt < 2;) {
		const char *q;
		int y, mo, d, t, z;

		if (word_start(text, p) && isalnum((unsigned char)*p) &&
		    date_at(p, &y, &mo, &d, &q)) {
			cy = y, cm = mo, cd = d, have_date = true;
			p = q;
			continue;
		}
		if (isdigit((unsigned char)*p) && (t = time_at(text, p, &q)) >= 0) {
			pt[npt] = (struct when_point){
				.minute = t, .has_date = have_date, .y = cy, .mo = cm, .d = cd
			};
			if (zone_at(q, &z, &q)) {
				pt[npt].has_zone = true;
				pt[npt].zone = z;
			}
			npt++;
			p = q;
			continue;
		}
		p++;
	}
	if (npt < 2)
		return;
	/* one zone written after the range applies to both ends */
	for (int i = 0; i < 2; i++)
		if (!pt[i].has_zone && pt[1 - i].has_zone) {
			pt[i].has_zone = true;
			pt[i].zone = pt[1 - i].zone;
		}
	if (pt[0].has_date && pt[1].has_date) {
		s0 = days_from_civil(pt[0].y, pt[0].mo, pt[0].d) * 86400L + pt[0].minute * 60L -
		     pt[0].zone * 60L;
		s1 = days_from_civil(pt[1].y, pt[1].mo, pt[1].d) * 86400L + pt[1].minute * 60L -
		     pt[1].zone * 60L;
		/* "8:00 PM to 2:00 AM" on one date: the end is the next day */
		if (s1 <= s0 && pt[0].y == pt[1].y && pt[0].mo == pt[1].mo && pt[0].d == pt[1].d) {
			shift = 1;
			s1 += 86400;
		}
		if (s1 > s0) {
			*span = s1 - s0;
			*start = iso(&pt[0], 0);
			*end = iso(&pt[1], shift);
		}
		return;
	}
	*span = (pt[1].minute - pt[0].minute) * 60L - (pt[1].zone - pt[0].zone) * 60L;
	if (*span <= 0)
		*span += 86400;
}

static const char *const number_words[] = { "zero", "one",    "two",   "three", "four",
					    "five", "six",    "seven", "eight", "nine",
					    "ten",  "eleven", "twelve" };

/* A number (digits, a word, "a"/"an") at @p; its value or -1. */
static double number_at(const char *p, const char **end)
{
	if (isdigit((unsigned char)*p)) {
		char *e;
		double v = strtod(p, &e);

		*end = e;
		return v;
	}
	for (size_t i = 0; i < ARRAY_SIZE(number_words); i++) {
		size_t n = strlen(number_words[i]);

		if (!strncasecmp(p, number_words[i], n) && !isalpha((unsigned char)p[n])) {
			*end = p + n;
			return (double)i;
		}
	}
	if ((!strncasecmp(p, "an", 2) && !isalpha((unsigned char)p[2])) ||
	    (!strncasecmp(p, "a", 1) && !isalpha((unsigned char)p[1]))) {
		*end = p + 1 + (tolower((unsigned char)p[1]) == 'n');
		return 1;
	}
	return -1;
}

/* "hours", "hrs", "minutes", "mins", "days" at @p: seconds per unit, or 0. */
static long unit_at(const char *p, const char **end)
{
	static const struct {
		const char *word;
		long seconds;
	} units[] = { { "hours", 3600 }, { "hour", 3600 }, { "hrs", 3600 }, { "hr", 3600 },
		      { "minutes", 60 }, { "minute", 60 }, { "mins", 60 },  { "min", 60 },
		      { "days", 86400 }, { "day", 86400 } };

	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		size_t n = strlen(units[i].word);

		if (!strncasecmp(p, units[i].word, n) && !isalpha((unsigned char)p[n])) {
			*end = p + n;
			return units[i].seconds;
		}
	}
	return 0;
}

long when_stated_duration(const char *text, char **phrase)
{
	static const char *const hedges[] = { "almost ", "about ", "approximately ", "nearly ",
					      "around ", "over ",  "roughly ",	     "just over " };

	*phrase = NULL;
	for (const char *p = text; *p; p++) {
		const char *q, *from = p;
		double v;
		long unit;

		if (!word_start(text, p) || (v = number_at(p, &q)) < 0)
			continue;
		if (!strncasecmp(p, "half an hour", 12)) {
			q = p + 12;
			v = 0.5, unit = 3600;
			goto found;
		}
		q = skip_space(q);
		if (!strncasecmp(q, "and a half", 10))
			v += 0.5, q = skip_space(q + 10);
		else if (!strncasecmp(q, "and half", 8))
			v += 0.5, q = skip_space(q + 8);
		if (*q == '-')
			q++;
		if (!(unit = unit_at(q, &q)))
			continue;
	found:
		for (size_t i = 0; i < ARRAY_SIZE(hedges); i++) {
			size_t n = strlen(hedges[i]);

			if ((size_t)(from - text) >= n && !strncasecmp(from - n, hedges[i], n) &&
			    word_start(text, from - n)) {
				from -= n;
				break;
			}
		}
		/* more than a year is not how long an outage lasted */
		if (v * (double)unit > 366.0 * 86400)
			continue;
		*phrase = xstrndup(from, (size_t)(q - from));
		return (long)(v * (double)unit + 0.5);
	}
	return -1;
}

double when_percent(const char *text)
{
	for (const char *p = text; *p; p++) {
		char *e;
		double v;

		if (!isdigit((unsigned char)*p) || !word_start(text, p))
			continue;
		v = strtod(p, &e);
		while (*e == ' ')
			e++;
		if ((*e == '%' || !strncasecmp(e, "percent", 7)) && v >= 0 && v <= 100)
			return v;
	}
	return -1;
}

long when_iso_seconds(const char *s)
{
	int y, mo, d, h, mi, sec = 0, n = 0, zone = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5)
		return -1;
	s += n;
	if (*s == ':' && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2])) {
		sec = atoi(s + 1);
		s += 3;
	}
	if (*s == '+' || *s == '-') {
		const char *e;

		if (!offset_at(s, &zone, &e))
			return -1;
	}
	return days_from_civil(y, mo, d) * 86400L + h * 3600L + mi * 60L + sec - zone * 60L;
}
