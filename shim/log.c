/* log.c - a tiny async-signal-safe formatter and a one-write logger. */
#include "log.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int sm_log_level = SM_LOG_ERROR;

/* glibc's description table is plain static data; musl has no such call. */
extern const char *strerrordesc_np(int err) __attribute__((weak));

struct out {
	char *buf;
	size_t size, len;	/* len counts what fitted, excluding the NUL */
	int full;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len++] = c;
	else
		o->full = 1;
}

/* Writes at most max bytes of s, control bytes as \xNN. */
static void put_str(struct out *o, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";

	for (; max && *s; s++, max--) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f) {
			put(o, '\\');
			put(o, 'x');
			put(o, hex[c >> 4]);
			put(o, hex[c & 15]);
		} else {
			put(o, (char)c);
		}
	}
}

static void put_num(struct out *o, unsigned long v, unsigned base, int neg,
		    int width, char pad)
{
	char tmp[32];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	while (n < width && n < (int)sizeof tmp)
		tmp[n++] = pad;
	while (n)
		put(o, tmp[--n]);
}

size_t sm_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0, 0 };

	if (size == 0)
		return 0;
	for (; *fmt; fmt++) {
		char pad = ' ';
		int width = 0;
		size_t prec = (size_t)-1;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = *fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (fmt[0] == '.' && fmt[1] == '*') {
			int p = va_arg(ap, int);

			prec = p < 0 ? (size_t)-1 : (size_t)p;
			fmt += 2;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			put_str(&o, s ? s : "(null)", prec);
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'd': {
			int v = va_arg(ap, int);
			unsigned long mag = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

			put_num(&o, mag, 10, v < 0, width, pad);
			break;
		}
		case 'u':
			put_num(&o, va_arg(ap, unsigned), 10, 0, width, pad);
			break;
		case 'o':
			put_num(&o, va_arg(ap, unsigned), 8, 0, width, pad);
			break;
		case 'x':
			put_num(&o, va_arg(ap, unsigned), 16, 0, width, pad);
			break;
		case '%':
			put(&o, '%');
			break;
		default:	/* unknown conversion: show it, consume nothing */
			put(&o, '%');
			if (!*fmt)
				fmt--;
			else
				put(&o, *fmt);
		}
	}
	if (o.full && size > 4)
		memcpy(buf + size - 4, "...", 3), o.len = size - 1;
	buf[o.len] = '\0';
	return o.len;
}

size_t sm_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = sm_vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void sm_log(int level, const char *fmt, ...)
{
	char buf[1024];
	size_t n;
	va_list ap;
	int saved = errno;

	if (level > sm_log_level || level <= SM_LOG_QUIET)
		return;
	memcpy(buf, "sockmode: ", 10);
	va_start(ap, fmt);
	n = 10 + sm_vformat(buf + 10, sizeof buf - 11, fmt, ap);
	va_end(ap);
	buf[n++] = '\n';
	while (write(STDERR_FILENO, buf, n) < 0 && errno == EINTR)
		;
	errno = saved;
}

const char *sm_strerror(int err, char *buf, size_t size)
{
	const char *d = strerrordesc_np ? strerrordesc_np(err) : NULL;

	if (d)
		return d;
	sm_format(buf, size, "errno %d", err);
	return buf;
}
