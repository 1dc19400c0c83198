"""The key pairs API: import, generate, list and delete a user's key pairs
within the project's key_pairs quota (os-keypairs)."""

import base64
import datetime
import hashlib

from cryptography import exceptions as crypto_exceptions
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography import x509

from nova_lite import exception
from nova_lite import objects
from nova_lite import quota


class KeypairAPI:
    """Key pairs: import a public key, or generate a pair (below 2.92)."""

    def get_key_pairs(self, context, user_id, limit=None, marker=None):
        return objects.KeyPairList.get_by_user(context, user_id, limit=limit,
                                               marker=marker)

    def get_key_pair(self, context, user_id, key_name):
        return objects.KeyPair.get_by_name(context, user_id, key_name)

    def import_key_pair(self, context, user_id, key_name, public_key,
                        key_type='ssh'):
        """Store a public key.

        :raises: InvalidKeypair (400), KeyPairExists (409),
            KeypairLimitExceeded (403).
        """
        self._check_quota(context, user_id)
        fingerprint = _fingerprint(public_key, key_type)
        keypair = objects.KeyPair(context=context, name=key_name,
                                  user_id=user_id, public_key=public_key,
                                  fingerprint=fingerprint, type=key_type)
        keypair.create()
        return keypair

    def create_key_pair(self, context, user_id, key_name, key_type='ssh'):
        """Generate a key pair; returns (keypair, private_key).

        :raises: KeyPairExists (409), KeypairLimitExceeded (403).
        """
        self._check_quota(context, user_id)
        private_key, public_key = _generate_key_pair(key_type, user_id)
        keypair = objects.KeyPair(context=context, name=key_name,
                                  user_id=user_id, public_key=public_key,
                                  fingerprint=_fingerprint(public_key,
                                                           key_type),
                                  type=key_type)
        keypair.create()
        return keypair, private_key

    def delete_key_pair(self, context, user_id, key_name):
        objects.KeyPair.destroy_by_name(context, user_id, key_name)

    @staticmethod
    def _check_quota(context, user_id):
        limit = quota.limit_of(context.project_id, 'key_pairs')
        if limit >= 0 and objects.KeyPairList.get_count_by_user(
                context, user_id) >= limit:
            raise exception.KeypairLimitExceeded()


def _fingerprint(public_key, key_type):
    """Colon-separated hex digest Nova shows: md5 for ssh, sha1 for x509."""
    try:
        if key_type == 'x509':
            cert = x509.load_pem_x509_certificate(public_key.encode())
            digest = cert.fingerprint(hashes.SHA1()).hex()
        else:
            serialization.load_ssh_public_key(public_key.strip().encode())
            body = base64.b64decode(public_key.split()[1])
            digest = hashlib.md5(body, usedforsecurity=False).hexdigest()
    except (ValueError, IndexError, TypeError, AttributeError,
            # NOTE: a well-formed line of a key type cryptography does not
            # know ("ssh-foo AAAA...") is as invalid as a broken one.
            crypto_exceptions.UnsupportedAlgorithm) as error:
        raise exception.InvalidKeypair(reason=str(error))
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def _generate_key_pair(key_type, user_id):
    """A new (private, public) pair: an OpenSSH RSA key, or for x509 the
    self-signed client certificate Nova makes for WinRM logins (the
    private part: base64 PKCS#12 of key and certificate)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == 'x509':
        return _generate_x509_cert(key, user_id)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode() + ' Generated-by-Nova'
    return private, public


# NOTE: Microsoft's User Principal Name, the otherName a WinRM client
# certificate carries in its subjectAltName.
_UPN_OID = x509.ObjectIdentifier('1.3.6.1.4.1.311.20.2.3')
_X509_VALID_DAYS = 3650


def _der_utf8_string(text):
    """``text`` as a DER UTF8String (an otherName's value is DER)."""
    data = text.encode('utf-8')
    length = len(data)
    if length < 0x80:
        header = bytes([length])
    else:
        size = length.to_bytes((length.bit_length() + 7) // 8, 'big')
        header = bytes([0x80 | len(size)]) + size
    return b'\x0c' + header + data


def _generate_x509_cert(key, user_id):
    """As Nova: CN=<user_id>, ten years, client authentication, UPN
    ``<user_id>@localhost``; returns (base64 PKCS#12, PEM certificate)."""
    subject = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME,
                                            user_id)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = x509.CertificateBuilder().subject_name(subject).issuer_name(
        subject).public_key(key.public_key()).serial_number(
        x509.random_serial_number()).not_valid_before(now).not_valid_after(
        now + datetime.timedelta(days=_X509_VALID_DAYS)).add_extension(
        x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.CLIENT_AUTH]),
        critical=False).add_extension(
        x509.SubjectAlternativeName([x509.OtherName(
            _UPN_OID, _der_utf8_string('%s@localhost' % user_id))]),
        critical=False).sign(key, hashes.SHA256())
    bundle = pkcs12.serialize_key_and_certificates(
        None, key, cert, None, serialization.NoEncryption())
    public = cert.public_bytes(serialization.Encoding.PEM).decode()
    return base64.b64encode(bundle).decode(), public
