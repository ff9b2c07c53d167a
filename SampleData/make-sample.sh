#!/bin/sh
# Regenerates SampleData/{patients,utilization,discharges}.csv reproducibly: 500 synthetic patients from
# `stratify sample` (seed 42, as of Friday 2026-11-20, the Friday before Thanksgiving week), then the hand-written
# edge rows below, appended at the end of each file. SampleData/README.md lists them with their line numbers.
#
#   SampleData/make-sample.sh            # uses $STRATIFY, else .build/release/stratify (built when missing)
set -eu
cd "$(dirname "$0")/.."
STRATIFY=${STRATIFY:-.build/release/stratify}
if [ ! -x "$STRATIFY" ]; then swift build -c release --product stratify; fi

"$STRATIFY" sample --patients 500 --seed 42 --as-of 2026-11-20 --output SampleData

# Good rows that exercise RFC 4180 quoting, then bad rows (3 of 506 records: under the 1% reject threshold).
cat >> SampleData/patients.csv <<'ROWS'
P9000001,Sean,"O'Brien, Jr.",1948-03-02,M,617-555-0190,PR01,DR01001,CM01001,medicare,I50.9;N18.4;E11.22,12,transportation,N,
P9000002,Anna,"Van der Berg
Smith",1961-07-15,F,508-555-0191,PR02,DR02001,,medicaid,J44.9;F32.9,6,food;housing,N,
P9000003,"Robert ""Bob""",Nguyen,1979-12-01,M,781-555-0192,PR03,DR03001,CM03001,commercial,I10,1,,N,
P9000004,Maria,Lopez,1950-13-45,F,978-555-0193,PR04,DR04001,CM04001,medicare,I10,3,,N,
P0000001,Duplicate,Row,1970-01-01,F,413-555-0194,PR05,DR05001,,commercial,,0,,N,
P9000005,Too,Few,1980-05-05,F
ROWS

cat >> SampleData/utilization.csv <<'ROWS'
P9000001,2026-10-30,office,DR01001,I50.9
P9000002,2026-11-16,ed,ED001,J44.1
P0000002,2026-11-02,er_visit,ED002,R07.9
P9999999,2026-11-03,office,DR01001,I10
P0000003,2026/11/05,office,DR01002,I10
P0000004,2026-11-04,office
ROWS

cat >> SampleData/discharges.csv <<'ROWS'
P9000001,H9000001-01,2026-11-13,2026-11-18,"University Hospital, Main Campus",emergency,home,I50.23
P0000005,H0000005-99,2026-11-10,2026-11-07,Mercy General Hospital,emergency,home,N39.0
ROWS
