"""The X search's two-stroke fits, taken from the pixels' power sums, against each share
fitted on its own."""

from __future__ import annotations

import numpy as np

from pipeline.reading.cells import _curve_fit, _Moments


def _scrawl(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of an X drawn by hand in a 300 x 90 px cell: two bowed diagonals, jittered."""
    rng = np.random.default_rng(seed)
    x = rng.integers(20, 280, 1500).astype(float)
    rising = rng.random(1500) < 0.5
    bow = 0.0004 * (x - 150) ** 2
    y = np.where(rising, 80 - 0.25 * x, 10 + 0.25 * x) + bow + rng.normal(0, 1.5, 1500)
    return x, np.round(y)


def test_both_strokes_fitted_from_the_power_sums_match_each_share_fitted_alone() -> None:
    for seed in range(5):
        x, y = _scrawl(seed)
        share = np.random.default_rng(seed + 100).random(len(x)) < 0.4
        (err_a, fit_a), (err_b, fit_b) = _Moments(x, y).fits(share)
        alone_a, alone_b = _curve_fit(x[share], y[share]), _curve_fit(x[~share], y[~share])
        assert abs(err_a - alone_a[0]) < 1e-8 and abs(err_b - alone_b[0]) < 1e-8
        xs = np.linspace(x.min(), x.max(), 7)
        assert np.allclose(np.polyval(fit_a, xs), np.polyval(alone_a[1], xs), atol=1e-8)
        assert np.allclose(np.polyval(fit_b, xs), np.polyval(alone_b[1], xs), atol=1e-8)


def test_each_pixel_s_gaps_are_its_distances_to_the_strokes_last_fitted() -> None:
    x, y = _scrawl(7)
    moments = _Moments(x, y)
    (_, fit_a), (_, fit_b) = moments.fits(y < np.median(y))
    want = np.abs(y[:, None] - np.stack([np.polyval(fit_a, x), np.polyval(fit_b, x)], axis=1))
    assert np.allclose(moments.gaps(), want, atol=1e-8)


def test_points_on_two_columns_only_still_get_a_fit() -> None:
    x = np.array([10.0] * 12 + [20.0] * 12)
    y = np.arange(24, dtype=float)
    (err, fit), _ = _Moments(x, y).fits(np.ones(24, bool) & (np.arange(24) % 2 == 0))
    assert np.isfinite(err) and np.all(np.isfinite(fit))
