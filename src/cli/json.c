/* json.c - UTF-8 clean strings and printing for the reports (json.h). */
#include "cli/json.h"

#include <stdlib.h>
#include <string.h>

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

json_object *mg_json_text(const char *str)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t len = strlen((const char *)s);
	/* each bad byte grows to 3: room for the worst case */
	char *buf = malloc(3 * len + 1);
	if (buf == NULL)
		return NULL;
	size_t o = 0;
	while (*s) {
		size_t n = utf8_len(s);
		if (n == 0) {
			memcpy(buf + o, fffd, 3);
			o += 3;
			s++;
			continue;
		}
		memcpy(buf + o, s, n);
		o += n;
		s += n;
	}
	json_object *j = json_object_new_string_len(buf, (int)o);
	free(buf);
	return j;
}

int mg_json_print(FILE *f, json_object *doc)
{
	const char *s = json_object_to_json_string_ext(
		doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s == NULL)
		return -1;
	if (fputs(s, f) == EOF || fputc('\n', f) == EOF)
		return -1;
	return 0;
}
