"""The providers' official signing vectors (channels.md §6, ✔verified)."""
from __future__ import annotations

import hashlib

from edge_server.channels.sms import signing


def test_aliyun_rpc_vector() -> None:
    params = {
        "AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
        "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0", "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26",
    }
    assert signing.aliyun_rpc_signature("testsecret", "GET", params) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_aliyun_percent_encoding() -> None:
    assert signing.aliyun_percent_encode("a b*c~d/é") == "a%20b%2Ac~d%2F%C3%A9"


def test_tc3_vector() -> None:
    payload = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    assert hashlib.sha256(payload).hexdigest() == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    ct = "application/json; charset=utf-8"
    canonical = signing.tc3_canonical_request(method="POST", host="cvm.tencentcloudapi.com",
                                              content_type=ct, payload=payload)
    assert hashlib.sha256(canonical.encode()).hexdigest() == (
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031")
    sig = signing.tc3_signature(secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", service="cvm",
                                host="cvm.tencentcloudapi.com", content_type=ct, payload=payload,
                                timestamp=1551113065)
    assert sig == "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    auth = signing.tc3_authorization(secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                                     secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", service="cvm",
                                     host="cvm.tencentcloudapi.com", content_type=ct, payload=payload,
                                     timestamp=1551113065)
    assert auth.endswith("/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=" + sig)


def test_tc3_date_is_utc() -> None:
    # 2019-02-25 23:30 UTC is already the 26th in Beijing: the UTC date must be used.
    assert signing.tc3_date(1551137400) == "2019-02-25"


def test_twilio_vector() -> None:
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
              "From": "+12349013030", "To": "+18005551212"}
    sig = signing.twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)
    assert sig == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert signing.constant_time_equal(sig, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not signing.constant_time_equal(sig, "0/KCTR6DLpKmkAf8muzZqo1nDgQ")
