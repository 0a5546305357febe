import hashlib


def token_digest(raw_token: str) -> str:
    """What is stored for a secret token (invitation link, API token): a copy of the database then
    yields no usable token. High-entropy tokens need no salt or slow hash."""
    return hashlib.sha256(raw_token.encode()).hexdigest()
