#!/usr/bin/env bash
# Start an Antre kiosk PC: the print agent as a systemd service, and Chromium in kiosk mode on
# the kiosk page. See docs/kiosk.md.
#
#   sudo scripts/kiosk-start.sh install --server URL --kiosk ID --token TOKEN \
#        [--printer SPEC] [--user USER] [--antre PATH]
#       Once per PC: writes /etc/antre/kiosk-agent.env (the token, readable by USER only),
#       installs and starts antre-kiosk-agent.service (the unit of the README's "Kiosk PC"),
#       and makes USER's desktop session open the kiosk page at login
#       (/etc/xdg/autostart/antre-kiosk.desktop).
#   scripts/kiosk-start.sh browser [--setup] [--dry-run]
#       Waits for the server, then runs Chromium in kiosk mode on /kiosk/<ID>, and again if it
#       ever exits. The first start (or --setup) opens the setup link, which hands the device
#       token to the page; later starts open the plain address.
#   scripts/kiosk-start.sh unit [--server URL --kiosk ID --printer SPEC --user USER --antre PATH]
#       Prints the systemd unit that `install` writes.
#
# Settings come from the options, else from /etc/antre/kiosk-agent.env (ANTRE_SERVER,
# ANTRE_KIOSK_ID, ANTRE_KIOSK_TOKEN, ANTRE_PRINTER) or the same variables in the environment.
set -euo pipefail

ENV_FILE=${ANTRE_KIOSK_ENV:-/etc/antre/kiosk-agent.env}
UNIT_FILE=/etc/systemd/system/antre-kiosk-agent.service
AUTOSTART_FILE=/etc/xdg/autostart/antre-kiosk.desktop
PROFILE_DIR=${ANTRE_KIOSK_PROFILE:-${XDG_DATA_HOME:-$HOME/.local/share}/antre-kiosk/chromium}
SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")

die() { echo "kiosk-start: $*" >&2; exit 2; }
say() { echo "kiosk-start: $*" >&2; }

usage() {
    awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$SCRIPT"
    exit "${1:-0}"
}

load_settings() {
    if [[ -r $ENV_FILE ]]; then
        # shellcheck disable=SC1090  # written by `install`: plain KEY=value lines
        set -a; . "$ENV_FILE"; set +a
    fi
    SERVER=${SERVER:-${ANTRE_SERVER:-}}
    KIOSK=${KIOSK:-${ANTRE_KIOSK_ID:-}}
    TOKEN=${TOKEN:-${ANTRE_KIOSK_TOKEN:-}}
    PRINTER=${PRINTER:-${ANTRE_PRINTER:-}}
    SERVER=${SERVER%/}
}

parse_options() {
    SETUP=0 DRY_RUN=0
    while (($#)); do
        case $1 in
            --server) SERVER=${2:?--server needs a URL}; shift 2 ;;
            --kiosk) KIOSK=${2:?--kiosk needs an id}; shift 2 ;;
            --token) TOKEN=${2:?--token needs the device token}; shift 2 ;;
            --printer) PRINTER=${2:?--printer needs a spec}; shift 2 ;;
            --user) KIOSK_USER=${2:?--user needs a user name}; shift 2 ;;
            --antre) ANTRE=${2:?--antre needs the path of the antre command}; shift 2 ;;
            --setup) SETUP=1; shift ;;
            --dry-run) DRY_RUN=1; shift ;;
            -h|--help) usage 0 ;;
            *) die "unknown option '$1' (see --help)" ;;
        esac
    done
}

need() {
    local name
    for name in "$@"; do
        [[ -n ${!name:-} ]] || die "no ${name,,} given: pass --${name,,} or set it in $ENV_FILE"
    done
    [[ $SERVER =~ ^https?://[^/]+ ]] || die "--server must look like http://192.168.10.5:5000"
    [[ $KIOSK =~ ^[A-Za-z0-9_.-]+$ ]] || die "--kiosk '$KIOSK' is not a kiosk id from config.yaml"
}

# --- The print agent ------------------------------------------------------------------------

unit() {
    local printer_option=""
    [[ -n $PRINTER ]] && printer_option=" --printer $PRINTER"
    cat <<EOF
# Written by scripts/kiosk-start.sh install. The server address and the device token are read
# from $ENV_FILE (mode 600), so they stay out of this file and of the process list.
[Unit]
Description=Antre print agent of kiosk $KIOSK
Wants=network-online.target
After=network-online.target

[Service]
User=$KIOSK_USER
SupplementaryGroups=lp dialout
EnvironmentFile=$ENV_FILE
ExecStart=$ANTRE kiosk-agent --kiosk $KIOSK$printer_option
Restart=always
RestartSec=3
# Where the agent remembers the jobs it printed (a ticket prints once, even after a restart).
StateDirectory=antre-agent
NoNewPrivileges=true

[Install]
WantedBy=multi-user.target
EOF
}

install_kiosk() {
    [[ $(id -u) -eq 0 ]] || die "install needs root: sudo $0 install ..."
    need SERVER KIOSK TOKEN
    id "$KIOSK_USER" >/dev/null 2>&1 ||
        die "no user '$KIOSK_USER' (--user: the user who logs in at the kiosk)"
    [[ -x $ANTRE ]] || die "no antre command at '$ANTRE' (--antre PATH)"
    install -d -m 755 "$(dirname "$ENV_FILE")"
    umask 077
    {
        echo "ANTRE_SERVER=$SERVER"
        echo "ANTRE_KIOSK_ID=$KIOSK"
        echo "ANTRE_KIOSK_TOKEN=$TOKEN"
        echo "ANTRE_PRINTER=$PRINTER"
    } >"$ENV_FILE"
    chown "$KIOSK_USER" "$ENV_FILE"
    chmod 600 "$ENV_FILE"
    umask 022
    unit >"$UNIT_FILE"
    systemctl daemon-reload
    systemctl enable --now antre-kiosk-agent.service
    install -d -m 755 "$(dirname "$AUTOSTART_FILE")"
    cat >"$AUTOSTART_FILE" <<EOF
[Desktop Entry]
Type=Application
Name=Antre kiosk
Comment=The queue kiosk page in Chromium kiosk mode
Exec=$SCRIPT browser
X-GNOME-Autostart-enabled=true
EOF
    say "installed: antre-kiosk-agent.service (systemctl status antre-kiosk-agent) and the"
    say "kiosk page at $KIOSK_USER's next login; start it now with: $SCRIPT browser"
}

# --- The kiosk page ---------------------------------------------------------------------------

chromium_binary() {
    local name
    for name in chromium chromium-browser google-chrome-stable google-chrome; do
        if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
    done
    die "Chromium is not installed (Debian/Ubuntu: sudo apt-get install chromium)"
}

wait_for_server() {
    # Chromium shows an error page and stays on it if the server is not up yet.
    local said=0
    until curl -fsS -o /dev/null --max-time 3 "$SERVER/healthz"; do
        ((said)) || say "waiting for $SERVER ..."
        said=1
        sleep 3
    done
}

browser() {
    need SERVER KIOSK
    local address="$SERVER/kiosk/$KIOSK"
    if ((SETUP)) || [[ ! -d $PROFILE_DIR ]]; then
        [[ -n $TOKEN ]] || die "the first start needs the token (--token or $ENV_FILE)"
        address="$address?token=$TOKEN"  # the page keeps it and drops it from the address
    fi
    local command=(
        "$(chromium_binary)" --kiosk "$address"
        --user-data-dir="$PROFILE_DIR"  # a lasting profile: the page keeps its token here
        --no-first-run --noerrdialogs --disable-infobars --disable-session-crashed-bubble
        --disable-translate --disable-features=Translate,TranslateUI
        --disable-pinch --overscroll-history-navigation=0 --disable-background-networking
        --check-for-update-interval=31536000 --password-store=basic --lang=id
        --autoplay-policy=no-user-gesture-required
    )
    if ((DRY_RUN)); then
        printf '%q ' "${command[@]}"; echo
        return
    fi
    mkdir -p "$PROFILE_DIR"
    if [[ -n ${DISPLAY:-} ]] && command -v xset >/dev/null 2>&1; then
        xset s off -dpms s noblank || true  # a kiosk screen never sleeps
    fi
    while true; do
        wait_for_server
        # After a power cut Chromium would offer to "restore pages": tell it all was well.
        sed -i -e 's/"exited_cleanly":false/"exited_cleanly":true/' \
            -e 's/"exit_type":"[^"]*"/"exit_type":"Normal"/' \
            "$PROFILE_DIR/Default/Preferences" 2>/dev/null || true
        "${command[@]}" || true
        command[2]="$SERVER/kiosk/$KIOSK"  # the token is in the profile by now
        say "Chromium exited; starting it again in 3 s"
        sleep 3
    done
}

main() {
    local action=${1:-browser}
    (($#)) && shift
    SERVER="" KIOSK="" TOKEN="" PRINTER=""
    KIOSK_USER=${SUDO_USER:-$(id -un)}
    ANTRE=$(command -v antre || echo /opt/antre/.venv/bin/antre)
    parse_options "$@"
    load_settings  # fills in what the options left out
    case $action in
        install) install_kiosk ;;
        browser) browser ;;
        unit) need SERVER KIOSK; unit ;;
        -h|--help|help) usage 0 ;;
        *) say "unknown command '$action'"; usage 2 ;;
    esac
}

main "$@"
