#!/usr/bin/env bash
# fuzz/run.sh TARGET SECONDS [EXECUTIONS]: coverage-guided fuzzing of one target with SharpFuzz + AFL++ (fuzz/README.md).
# Installs what is missing (afl++ via apt-get, the SharpFuzz.CommandLine dotnet tool), builds the fuzz project,
# instruments the assemblies under test with `sharpfuzz`, runs afl-fuzz for SECONDS, and prints executions, crashes
# and hangs. Findings stay in fuzz/out/findings/TARGET (not committed); a crash found is copied to
# fuzz/out/crashes/TARGET for turning into a regression input (fuzz/regressions/TARGET/). With EXECUTIONS, afl-fuzz
# also stops once it made about that many executions. FUZZ_NO_BUILD=1 reuses the last build (runs of several targets).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
target="${1:-}"
seconds="${2:-}"
executions="${3:-}"
if [ -z "$target" ] || [ -z "$seconds" ]; then
  echo "usage: fuzz/run.sh TARGET SECONDS   (TARGET: one of the folders in fuzz/corpus/)" >&2
  exit 2
fi
if [ ! -d "$here/corpus/$target" ]; then
  echo "no corpus for '$target'; targets: $(ls "$here/corpus" | tr '\n' ' ')" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PATH="$PATH:$HOME/.dotnet/tools"

# 1. Tools.
if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "== installing afl++"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi
if ! command -v sharpfuzz >/dev/null 2>&1; then
  echo "== installing the SharpFuzz.CommandLine tool"
  dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

# 2. Build into a fresh folder (instrumenting twice fails, and the solution's own bin/ must stay uninstrumented).
out="$here/out"
bin="$out/bin-$target"
if [ "${FUZZ_NO_BUILD:-}" != "1" ] || [ ! -f "$out/build/TmelRpmsg.Fuzz.dll" ]; then
  echo "== building"
  dotnet build "$here/TmelRpmsg.Fuzz/TmelRpmsg.Fuzz.csproj" -c Release -o "$out/build" -v quiet -nologo | grep -E "error|warn" || true
fi
rm -rf "$bin"
cp -r "$out/build" "$bin"

# 3. Instrument the assemblies under test (never SharpFuzz itself, the BCL or the harness).
echo "== instrumenting"
for assembly in Rpmsg.Core Tmel.Transport.Qmp Tmel.Services Tmel.Simulator; do
  sharpfuzz "$bin/$assembly.dll" >/dev/null
done

# 4. Fuzz.
findings="$out/findings/$target"
mkdir -p "$findings"
echo "== afl-fuzz $target for $seconds s"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_AUTORESUME=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FAST_CAL=1
afl-fuzz -i "$here/corpus/$target" -o "$findings" -t 5000 -m none -V "$seconds" ${executions:+-E "$executions"} \
  -- dotnet "$bin/TmelRpmsg.Fuzz.dll" "$target" > "$out/afl-$target.log" 2>&1 || {
  echo "afl-fuzz failed; the end of its log ($out/afl-$target.log):" >&2
  tail -n 30 "$out/afl-$target.log" >&2
  exit 1
}

# 5. Report.
stats="$findings/default/fuzzer_stats"
stat() { sed -n "s/^$1 *: *//p" "$stats"; }
crashes=$(stat saved_crashes)
hangs=$(stat saved_hangs)
echo "target:     $target"
echo "run time:   $(stat run_time) s"
echo "executions: $(stat execs_done) ($(stat execs_per_sec) per s)"
echo "paths:      $(stat corpus_count)"
echo "crashes:    $crashes"
echo "hangs:      $hangs"
if [ "${crashes:-0}" != "0" ]; then
  mkdir -p "$out/crashes/$target"
  cp "$findings"/default/crashes/id:* "$out/crashes/$target/"
  echo "crash inputs copied to $out/crashes/$target; reproduce with:"
  echo "  dotnet $out/build/TmelRpmsg.Fuzz.dll replay $target $out/crashes/$target/*"
fi
