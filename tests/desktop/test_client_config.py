from __future__ import annotations

from pathlib import Path

import pytest
import zmq.auth

from desktop.client_config import ClientConfigError, load_client_config


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    """Real certificates, as the installer writes them."""
    kdir = tmp_path / "keys"
    kdir.mkdir()
    public, secret = zmq.auth.create_certificates(str(kdir), "client")
    return Path(public), Path(secret)


def test_full_config_loads_keys_relative_to_the_file(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    server_public, _ = zmq.curve_keypair()
    cfg = tmp_path / "client.toml"
    cfg.write_text(
        'edge = "tcp://10.0.0.5:7400"\n'
        f'edge_public_key = "{server_public.decode()}"\n'
        'client_key_file = "keys/client.key_secret"\n'
        'username = "alice"\n'
    )
    c = load_client_config(cfg)
    assert c.edge == "tcp://10.0.0.5:7400"
    assert c.server_key == server_public
    assert c.username == "alice"
    assert c.client_keys is not None
    expected_public, expected_secret = zmq.auth.load_certificate(keys[1])
    assert c.client_keys == (expected_public, expected_secret)


def test_minimal_config_without_curve(tmp_path: Path) -> None:
    cfg = tmp_path / "client.toml"
    cfg.write_text('edge = "tcp://127.0.0.1:7400"\n')
    c = load_client_config(cfg)
    assert (c.edge, c.server_key, c.client_keys, c.username) == ("tcp://127.0.0.1:7400", None, None, "")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("edge = 5\n", "$.edge"),
        ('edge = "tcp://h:1"\nsurprise = 1\n', "surprise"),
        ("edge = [\n", "not valid TOML"),
        ('edge_public_key = "short"\nclient_key_file = "x"\n', "edge_public_key"),
        ('client_key_file = "missing.key_secret"\n', "missing.key_secret"),
    ],
)
def test_errors_name_the_key_or_file(tmp_path: Path, text: str, needle: str) -> None:
    cfg = tmp_path / "client.toml"
    cfg.write_text(text)
    with pytest.raises(ClientConfigError, match=None) as info:
        load_client_config(cfg)
    assert needle in str(info.value)
    assert str(cfg) in str(info.value)


def test_public_key_file_is_not_a_secret(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    cfg = tmp_path / "client.toml"
    cfg.write_text(f'client_key_file = "{keys[0]}"\n')
    with pytest.raises(ClientConfigError, match="no secret key"):
        load_client_config(cfg)


def test_server_key_without_client_key_is_refused(tmp_path: Path) -> None:
    server_public, _ = zmq.curve_keypair()
    cfg = tmp_path / "client.toml"
    cfg.write_text(f'edge_public_key = "{server_public.decode()}"\n')
    with pytest.raises(ClientConfigError, match="client_key_file"):
        load_client_config(cfg)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ClientConfigError, match="cannot read"):
        load_client_config(tmp_path / "nope.toml")
