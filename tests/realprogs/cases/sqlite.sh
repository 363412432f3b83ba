#!/bin/sh
# sqlite3 runs sqlite.sql on a file database, then dumps the database and
# checks its integrity from a second sqlite3 process.
# Environment (from ../guest.sh): BIN, the directory of the programs of
# this ring; CASES, this directory; the working directory is empty.
set -e
"$BIN/sqlite3" db.sqlite <"$CASES/sqlite.sql"
echo "dump: $("$BIN/sqlite3" db.sqlite .dump | "$BIN/md5sum" | "$BIN/cut" -d' ' -f1)"
"$BIN/sqlite3" db.sqlite 'PRAGMA integrity_check; SELECT count(*) FROM item;'
