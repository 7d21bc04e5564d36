# Sourced by scripts/test.sh and scripts/demo.sh: the Debian packages the
# project needs, installed only when missing (apt-get update once, then install).

# To build the desktop program (the pcsc crate links libpcsclite).
BUILD_PACKAGES=(libpcsclite-dev pkg-config)
# To run every test: a PC/SC service with the vpcd virtual reader, OpenSC as
# the outside client, openssl to check its signatures.
TEST_PACKAGES=("${BUILD_PACKAGES[@]}" pcscd vsmartcard-vpcd opensc openssl)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "error: need root (or sudo) to run: $*" >&2
        return 1
    fi
}

# install_packages PKG...: installs those of PKG that dpkg does not have.
install_packages() {
    local missing=() p
    for p in "$@"; do
        if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
            missing+=("$p")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        echo "system packages present: $*"
        return 0
    fi
    echo "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -q
    as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
}
