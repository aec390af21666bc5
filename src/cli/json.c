/* json.c - streaming JSON writer (see json.h). */
#include "cli/json.h"

#include <inttypes.h>
#include <string.h>

void mg_json_init(struct mg_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if the bytes there
 * are not one (stray continuation, overlong form, surrogate, > U+10FFFF). */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	/* the terminating NUL fails these tests, so no read past the string */
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void mg_json_write_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		unsigned char c = *s;
		size_t n;
		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fprintf(f, "\\u%04x", c);
				break;
			}
			n = utf8_len(s);
			if (n == 0) {
				fputs("\\ufffd", f);
				break;
			}
			fwrite(s, 1, n, f);
			s += n;
			continue;
		}
		s++;
	}
	fputc('"', f);
}

static void indent(struct mg_json *j)
{
	fputc('\n', j->f);
	for (unsigned i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Separator and member name before any value. */
static void lead(struct mg_json *j, const char *key)
{
	if (j->need_comma)
		fputc(',', j->f);
	if (j->depth > 0) {
		if (j->inline_[j->depth]) {
			if (j->need_comma)
				fputc(' ', j->f);
		} else {
			indent(j);
		}
	}
	if (key != NULL) {
		mg_json_write_string(j->f, key);
		fputs(": ", j->f);
	}
	j->need_comma = true;
}

static void open_(struct mg_json *j, const char *key, char ch, bool in_line)
{
	lead(j, key);
	fputc(ch, j->f);
	if (j->depth >= MG_JSON_MAX_DEPTH) {
		j->bad = true;
		return;
	}
	j->depth++;
	j->inline_[j->depth] = in_line;
	j->need_comma = false;
}

static void close_(struct mg_json *j, char ch)
{
	if (j->depth == 0) {
		j->bad = true;
		return;
	}
	bool empty = !j->need_comma;
	bool in_line = j->inline_[j->depth];
	j->depth--;
	if (!empty && !in_line)
		indent(j);
	fputc(ch, j->f);
	j->need_comma = true;
}

void mg_json_obj(struct mg_json *j, const char *key)
{
	open_(j, key, '{', false);
}

void mg_json_arr(struct mg_json *j, const char *key)
{
	open_(j, key, '[', false);
}

void mg_json_arr_inline(struct mg_json *j, const char *key)
{
	open_(j, key, '[', true);
}

void mg_json_end_obj(struct mg_json *j)
{
	close_(j, '}');
}

void mg_json_end_arr(struct mg_json *j)
{
	close_(j, ']');
}

void mg_json_str(struct mg_json *j, const char *key, const char *s)
{
	lead(j, key);
	mg_json_write_string(j->f, s ? s : "");
}

void mg_json_u64(struct mg_json *j, const char *key, uint64_t v)
{
	lead(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void mg_json_bool(struct mg_json *j, const char *key, bool v)
{
	lead(j, key);
	fputs(v ? "true" : "false", j->f);
}

int mg_json_done(struct mg_json *j)
{
	fputc('\n', j->f);
	return (j->bad || j->depth != 0) ? -1 : 0;
}
