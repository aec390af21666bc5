/* json.h - a small streaming JSON writer for reports.
 *
 * Output is indented two spaces per level, one member per line, except
 * arrays opened with mg_json_arr_inline, which keep their scalars on one
 * line.  Strings are escaped per RFC 8259; bytes that are not valid UTF-8
 * become U+FFFD so the output always parses.  The writer checks nesting
 * only up to MG_JSON_MAX_DEPTH and never allocates.
 */
#ifndef MG_JSON_H
#define MG_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define MG_JSON_MAX_DEPTH 16

struct mg_json {
	FILE *f;
	unsigned depth;
	bool need_comma;
	bool inline_[MG_JSON_MAX_DEPTH + 1];
	bool bad; /* nesting overflow or underflow: output is not valid */
};

void mg_json_init(struct mg_json *j, FILE *f);

/* `key` is the member name inside an object, NULL inside an array or at
 * the top level. */
void mg_json_obj(struct mg_json *j, const char *key);
void mg_json_arr(struct mg_json *j, const char *key);
void mg_json_arr_inline(struct mg_json *j, const char *key);
void mg_json_end_obj(struct mg_json *j);
void mg_json_end_arr(struct mg_json *j);

void mg_json_str(struct mg_json *j, const char *key, const char *s);
void mg_json_u64(struct mg_json *j, const char *key, uint64_t v);
void mg_json_bool(struct mg_json *j, const char *key, bool v);

/* Write `s` as a JSON string literal (quotes included). */
void mg_json_write_string(FILE *f, const char *s);

/* Finish the document (newline); returns -1 if nesting was unbalanced. */
int mg_json_done(struct mg_json *j);

#endif
