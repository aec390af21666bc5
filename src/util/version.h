/* version.h - the release version meetgate and meetcall print (--version).
 * One definition for both programs; the build may override it with
 * -DMG_VERSION='"x.y.z"'. */
#ifndef MG_UTIL_VERSION_H
#define MG_UTIL_VERSION_H

#ifndef MG_VERSION
#define MG_VERSION "0.1.0"
#endif

#endif
