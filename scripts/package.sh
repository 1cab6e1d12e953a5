#!/usr/bin/env bash
# Builds Arthur Desktop as a PyInstaller bundle (one folder, packaging/arthur-desktop.spec) holding its own Python
# 3.11 and PySide6 6.11.3, from the same sources as the wheel, and packs it as
#   dist/arthur-desktop-<version>-linux-x86_64.tar.gz   the bundle, to unpack anywhere (needs the .deb's libraries)
#   dist/arthur-desktop_<version>_amd64.deb             /opt/arthur-desktop, /usr/bin/arthur-desktop, the menu
#                                                       entry, the icon, AppStream metadata, and its dependencies
# On Debian, as root, it installs what it needs itself. The bundle is built in build/package/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/build/package
python=${PYTHON:-python3}

# What the build needs: a venv, binutils (PyInstaller reads and strips libraries), dpkg-dev (dpkg-shlibdeps),
# Python's shared library, the validators, and the libraries Qt links to, so that dpkg-shlibdeps finds them.
scripts/apt-install.sh python3 python3-venv libpython3.11 binutils dpkg-dev desktop-file-utils appstream \
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 \
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0 \
  libx11-xcb1 libwayland-client0 libwayland-cursor0 libwayland-egl1

if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "package: the bundle must hold Python 3.11 (with PySide6 6.11.3, the pair the stability work proved);" \
    "$python is $("$python" --version 2>&1). Set PYTHON=/path/to/python3.11." >&2
  exit 1
fi
if [ ! -x "$work/venv/bin/python" ]; then
  mkdir -p "$work"
  "$python" -m venv "$work/venv"
fi
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet -c packaging/constraints.txt pyinstaller .
# The app itself always from these sources, even when its version number has not changed.
"$work/venv/bin/python" -m pip install --quiet --force-reinstall --no-deps .
version=$("$work/venv/bin/python" -c 'import arthur_desktop; print(arthur_desktop.__version__)')
runtime=$("$work/venv/bin/python" -c 'import platform, PySide6; print(platform.python_version(), PySide6.__version__)')
echo "package: arthur-desktop $version on Python ${runtime% *}, PySide6 ${runtime#* }"

# The bundle.
"$work/venv/bin/python" packaging/render_icons.py "$work/icons"
rm -rf "$work/dist"
ARTHUR_ICONS="$work/icons" "$work/venv/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$work/dist" --workpath "$work/pyinstaller" packaging/arthur-desktop.spec
bundle=$work/dist/arthur-desktop

# Every library the bundle loads must be in it or on the system; the GTK theme plug-in is optional (Recommends).
unresolved=$(find "$bundle" -type f -name '*.so*' ! -name 'libqgtk3.so' -print0 |
  LD_LIBRARY_PATH="$bundle/_internal" xargs -0 -n 50 ldd 2>/dev/null | grep 'not found' | sort -u || true)
if [ -n "$unresolved" ]; then
  echo "package: libraries the bundle needs are missing:" >&2
  echo "$unresolved" >&2
  exit 1
fi
reported=$(env -i PATH=/usr/bin:/bin HOME="$work" "$bundle/arthur-desktop" --version)
if ! grep -q "^Python 3\.11\..*, PySide6 6\.11\.3," <<<"$reported"; then
  echo "package: the bundle reports the wrong versions: $reported" >&2
  exit 1
fi

mkdir -p dist
tarball=dist/arthur-desktop-$version-linux-x86_64.tar.gz
tar -C "$work/dist" --owner=0 --group=0 --transform "s,^arthur-desktop,arthur-desktop-$version," \
  -czf "$tarball" arthur-desktop

# The Debian package's tree.
tree=$work/deb
rm -rf "$tree"
mkdir -p "$tree/DEBIAN" "$tree/opt" "$tree/usr/bin" "$tree/usr/share/applications" "$tree/usr/share/metainfo" \
  "$tree/usr/share/icons/hicolor/scalable/apps" "$tree/usr/share/doc/arthur-desktop"
cp -a "$bundle" "$tree/opt/arthur-desktop"
ln -s /opt/arthur-desktop/arthur-desktop "$tree/usr/bin/arthur-desktop"
app_id=com.edgetier.ArthurDesktop
cp packaging/linux/$app_id.desktop "$tree/usr/share/applications/"
release_date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$release_date/" packaging/linux/$app_id.metainfo.xml \
  >"$tree/usr/share/metainfo/$app_id.metainfo.xml"
cp resources/icons/arthur-desktop.svg "$tree/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
for png in "$work"/icons/*.png; do
  size=$(basename "$png" .png)
  mkdir -p "$tree/usr/share/icons/hicolor/${size}x${size}/apps"
  cp "$png" "$tree/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
cp packaging/linux/copyright "$tree/usr/share/doc/arthur-desktop/copyright"
desktop-file-validate "$tree/usr/share/applications/$app_id.desktop"
appstreamcli validate --no-net --pedantic "$tree/usr/share/metainfo/$app_id.metainfo.xml" >/dev/null

# Dependencies: the Debian packages holding the libraries the bundle links to, as dpkg-shlibdeps finds them (with
# the versions their symbols need); fonts that draw customers' names in any script; GTK for the GTK theme plug-in.
shlibs=$work/shlibdeps
rm -rf "$shlibs"
mkdir -p "$shlibs/debian"
printf 'Source: arthur-desktop\n\nPackage: arthur-desktop\nArchitecture: any\n' >"$shlibs/debian/control"
mapfile -d '' elf_files < <(find "$tree/opt/arthur-desktop" -type f \( -name '*.so*' -o -name arthur-desktop \) \
  ! -name 'libqgtk3.so' -print0)
mapfile -t library_dirs < <(find "$tree/opt/arthur-desktop" -type f -name '*.so*' -printf '-l%h\n' | sort -u)
depends=$(cd "$shlibs" && dpkg-shlibdeps -O --ignore-missing-info "${library_dirs[@]}" "${elf_files[@]}" \
  2>"$shlibs/warnings.log" | sed -n 's/^shlibs:Depends=//p')
if [ -z "$depends" ]; then
  echo "package: dpkg-shlibdeps found no dependencies; see $shlibs/warnings.log" >&2
  exit 1
fi
cat >"$tree/DEBIAN/control" <<CONTROL
Package: arthur-desktop
Version: $version
Architecture: amd64
Maintainer: EdgeTier <arthur-desktop@edgetier.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$tree" | cut -f1)
Depends: $depends, fonts-dejavu-core, fonts-noto-core, fonts-noto-cjk, xdg-utils
Recommends: libgtk-3-0
Section: misc
Priority: optional
Homepage: https://www.edgetier.com/
Description: desktop console for contact-centre managers
 Arthur Desktop shows, all day, how each agent performs (chats handled, chats
 in progress, average and median handling time), the chats with their
 transcripts, and ends a chat with one click: the transcript then goes to the
 client's own system (an HTTP API or a folder per customer).
 .
 This package holds its own Python 3.11 and PySide6 (Qt 6); it needs no
 Python installed. The user's database, config and transcripts are not part of
 the package, and stay when it is removed.
CONTROL
chmod -R u=rwX,go=rX "$tree"
deb=dist/arthur-desktop_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$tree" "$deb" >/dev/null

echo "package: $(du -sh "$bundle" | cut -f1) bundle ($(du -sh --apparent-size "$bundle" | cut -f1) of files)"
echo "package: $tarball ($(du -h "$tarball" | cut -f1)), $deb ($(du -h "$deb" | cut -f1))"
