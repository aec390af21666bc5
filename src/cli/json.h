/* json.h - what the reports add to json-c.
 *
 * json-c builds and prints the documents; it copies string bytes as they
 * are, so text that comes from outside (file names, configuration paths)
 * goes through mg_json_text, which makes it valid UTF-8 (bytes that are not
 * become U+FFFD) and the output always parses.
 */
#ifndef MG_JSON_H
#define MG_JSON_H

#include <json-c/json.h>
#include <stdio.h>

/* A new json-c string of `s` (NULL: ""), invalid UTF-8 replaced by U+FFFD;
 * NULL when out of memory. */
json_object *mg_json_text(const char *s);

/* Print `doc` indented two spaces per level, then a newline; 0, or -1 when
 * json-c could not render it or the write failed.  `doc` stays the
 * caller's. */
int mg_json_print(FILE *f, json_object *doc);

#endif
