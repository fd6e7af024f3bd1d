/* json.c - the JSON writer of --why and --audit: objects, arrays,
 * strings escaped per RFC 8259, numbers, booleans. */
#include "json.h"

/* Writes s as a JSON string: quoted, '"', '\\' and controls escaped. */
static void put_string(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Writes the comma (when needed) and the "key": before a value. */
static void lead(struct js *j, const char *key)
{
	if (j->depth > 0 && j->used[j->depth - 1]++)
		fputc(',', j->f);
	if (key) {
		put_string(j->f, key);
		fputc(':', j->f);
	}
}

void js_open(struct js *j, const char *key, char kind)
{
	lead(j, key);
	fputc(kind, j->f);
	if (j->depth < JS_DEPTH)
		j->used[j->depth] = 0;
	j->depth++;
}

void js_close(struct js *j, char kind)
{
	fputc(kind, j->f);
	if (--j->depth == 0)
		fputc('\n', j->f);
}

void js_str(struct js *j, const char *key, const char *s)
{
	lead(j, key);
	if (s)
		put_string(j->f, s);
	else
		fputs("null", j->f);
}

void js_num(struct js *j, const char *key, long long n)
{
	lead(j, key);
	fprintf(j->f, "%lld", n);
}

void js_bool(struct js *j, const char *key, int b)
{
	lead(j, key);
	fputs(b ? "true" : "false", j->f);
}
