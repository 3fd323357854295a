#!/usr/bin/env bash
# Packs Neurite (library) and Neurite.Cli (the `neurite` .NET tool) into a local folder feed, then uses them as a
# stranger would: a fresh console app that references the package and runs README.md's first C# example verbatim,
# and `dotnet tool install` of the tool followed by `neurite train`. Checks that the package carries its README,
# licence, data-set attributions, XML docs, symbols and the buildTransitive GC settings, and that the app got them.
# Uses its own NuGet cache (a rebuilt 0.1.0 must not be shadowed by an old copy in ~/.nuget/packages).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export NUGET_PACKAGES="$tmp/packages" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
fail() { echo "package-smoke: $*" >&2; exit 1; }

dotnet pack src/Neurite -c Release -o "$tmp/feed" -v q -nologo >/dev/null
dotnet pack src/Neurite.Cli -c Release -o "$tmp/feed" -v q -nologo >/dev/null
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)
for f in Neurite.$version.nupkg Neurite.$version.snupkg Neurite.Cli.$version.nupkg Neurite.Cli.$version.snupkg; do
  [ -s "$tmp/feed/$f" ] || fail "$f was not produced"
done
contents=$(unzip -l "$tmp/feed/Neurite.$version.nupkg")
for f in README.md LICENSE DATA-SOURCES.md buildTransitive/Neurite.props buildTransitive/Neurite.targets lib/net10.0/Neurite.dll lib/net10.0/Neurite.xml; do
  grep -q " $f\$" <<<"$contents" || fail "Neurite.$version.nupkg lacks $f"
done

# A fresh console app, the README's first C# block as its Program.cs.
mkdir "$tmp/app" && cd "$tmp/app"
dotnet new console -n App -o . --force >/dev/null
cat >nuget.config <<XML
<configuration><packageSources><add key="local" value="$tmp/feed" /></packageSources></configuration>
XML
dotnet add package Neurite --version "$version" >/dev/null || fail "dotnet add package Neurite failed"
awk '/^```csharp/ {n++; if (n == 1) {on = 1; next}} on && /^```/ {exit} on {print}' "$repo/README.md" >Program.cs
[ -s Program.cs ] || fail "no C# example found in README.md"
dotnet run -c Release >run.txt 2>&1 || { cat run.txt >&2; fail "the README example does not build or run against the package"; }
grep -qi "accuracy" run.txt || { cat run.txt >&2; fail "the README example printed no accuracy"; }
config=$(cat bin/Release/net10.0/App.runtimeconfig.json)
grep -q '"System.GC.LOHThreshold": 4194304' <<<"$config" || fail "the app did not get the LOH threshold from buildTransitive: $config"
grep -q '"System.GC.Concurrent": false' <<<"$config" || fail "the app did not get ConcurrentGarbageCollection=false: $config"
echo "package-smoke: README example against the package: $(grep -i accuracy run.txt | tail -1)"

# The tool.
cd "$tmp"
dotnet tool install Neurite.Cli --version "$version" --tool-path "$tmp/tools" --add-source "$tmp/feed" >/dev/null || fail "dotnet tool install failed"
"$tmp/tools/neurite" train --dataset iris --epochs 10 --plain -o "$tmp/iris" >train.txt || { cat train.txt >&2; fail "neurite train failed"; }
grep -q "test: loss" train.txt && [ -s "$tmp/iris.safetensors" ] || fail "neurite train did not report or save"
echo "package-smoke: passed ($(grep 'test: loss' train.txt))"
