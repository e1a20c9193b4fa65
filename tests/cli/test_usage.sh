# Usage, help and exit codes of the command line (exit 0 for help, 2 for
# usage errors with a pointer to --help on stderr and nothing on stdout).
. "$AUD_SRC/tests/cli/lib.sh"

run --help
expect_rc 0 "--help"
for o in --db --format --delimiter --include --exclude --patterns \
         --entities --skip-entities --hash-key-file --max-record-bytes \
         --max-decoded-bytes --fail-on --json --quiet; do
  expect_out "$o" "--help lists $o"
done
expect_out 'default: auditor.db' "--help shows defaults"
[ -s "$ERR" ] && bad "--help wrote to stderr" || ok

run scan --help
expect_rc 0 "scan --help"
expect_out '--max-record-bytes N .*default: 16M' "scan --help"

run --version
expect_rc 0 "--version"
expect_out '^auditor [0-9]+\.[0-9]+\.[0-9]+$'

run scan --bogus x.csv
expect_rc 2 "unknown option"
expect_err "unknown option '--bogus'"
expect_err "Try 'auditor --help'"
[ -s "$OUT" ] && bad "usage error wrote to stdout" || ok

run scan
expect_rc 2 "scan without input"
expect_err "needs at least one input"

run frobnicate
expect_rc 2 "unknown command"
expect_err "unknown command 'frobnicate'"

run scan --format=xml x.csv
expect_rc 2 "--format=xml"
expect_err "--format takes auto, csv, jsonl or json"

run scan --db
expect_rc 2 "--db without value"
expect_err "needs a value"

run scan --json=yes x
expect_rc 2 "flag with value"

run scan --max-record-bytes 12Q x
expect_rc 2 "bad size"

run scan --entities NOT_AN_ENTITY --db "$T/x.db" "$AUD_SRC/data-samples"
expect_rc 2 "unknown entity"
expect_err "NOT_AN_ENTITY"

finish
