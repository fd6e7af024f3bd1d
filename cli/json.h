/* json.h - a small JSON writer for --why --json and --audit --json. */
#ifndef SOCKMODE_JSON_H
#define SOCKMODE_JSON_H

#include <stdio.h>

#define JS_DEPTH 8

/* Where the output goes and, per open object or array, whether a value
 * was written there already (for the commas). */
struct js {
	FILE *f;
	int depth;
	int used[JS_DEPTH];
};

/* Opens an object ('{') or array ('['), as the value of key when key is
 * not NULL (inside an object). */
void js_open(struct js *j, const char *key, char kind);

/* Closes what js_open() opened last ('}' or ']'); at depth 0 ends the
 * line. */
void js_close(struct js *j, char kind);

/* key: "string" (s escaped as JSON wants; NULL writes null). */
void js_str(struct js *j, const char *key, const char *s);

/* key: number, and key: true/false. */
void js_num(struct js *j, const char *key, long long n);
void js_bool(struct js *j, const char *key, int b);

#endif
