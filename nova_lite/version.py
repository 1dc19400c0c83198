"""The release of nova-lite, as reported by services and `--version`."""

RELEASE = '0.1.0'


def version_string():
    return RELEASE
