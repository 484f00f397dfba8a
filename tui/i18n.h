/*
 * Gettext markers for every component that shows text to people.
 *
 * _() translates at the point of use; N_() only marks a string for
 * xgettext, for tables (key help, column titles) that are translated later
 * when shown.  PACKAGE and LOCALEDIR come from config.h and AM_CPPFLAGS;
 * the program calls bindtextdomain()/textdomain() once at start.
 */
#ifndef EGOV_I18N_H
#define EGOV_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

#endif
