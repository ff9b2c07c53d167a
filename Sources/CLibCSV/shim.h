#ifndef STRATIFY_CLIBCSV_SHIM_H
#define STRATIFY_CLIBCSV_SHIM_H
// libcsv from Debian's libcsv-dev; the Makefile installs it when /usr/include/csv.h is missing.
#include <stdio.h>
#include <csv.h>
#endif
