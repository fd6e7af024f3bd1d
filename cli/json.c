/* json.c - the JSON writer of --why and --audit: objects, arrays,
 * strings escaped per RFC 8259, numbers, booleans. */
#include "json.h"

/* Writes the comma (when needed) and the "key": before a value. */
static void lead(struct js *j, const char *key)
{
	if (j->depth > 0 && j->used[j->depth - 1]++)
		fputc(',', j->f);
	if (key) {
		js_str(&(struct js){ .f = j->f }, NULL, key);
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
	const unsigned char *p;

	lead(j, key);
	if (!s) {
		fputs("null", j->f);
		return;
	}
	fputc('"', j->f);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(j->f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(j->f, "\\u%04x", *p);
		else
			fputc(*p, j->f);
	}
	fputc('"', j->f);
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
