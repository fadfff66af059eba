#!/usr/bin/env python3
"""Does a WAV recording hold a steady sine tone of a given frequency?

usage: tonecheck.py FILE.wav --freq HZ [--tol HZ] [--min-seconds S]
                    [--min-rms R] [--min-purity P] [--window S]

Standard library only. The signal (first channel, 16-bit PCM) is cut into
windows (default 0.25 s). A window counts as "tone" when

  * it is not silent: RMS >= --min-rms (full scale 1.0), and
  * it is pure: with a Hann window, the Goertzel power at the best frequency
    within --freq +- --tol, normalised so that a pure sine scores 1.0, is at
    least --min-purity. A different tone, noise or speech scores near 0.

The check passes when the tone windows add up to --min-seconds. Silence,
a wrong frequency or a too short tone fail. One summary line is printed;
exit status 0 = tone found, 1 = not found, 2 = unreadable input.
"""
import argparse
import math
import struct
import sys
import wave


def read_mono(path):
    """Samples of the first channel scaled to [-1, 1), and the sample rate."""
    with wave.open(path, "rb") as w:
        channels = w.getnchannels()
        width = w.getsampwidth()
        rate = w.getframerate()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError("need 16-bit PCM, got %d bytes per sample" % width)
    count = len(raw) // 2
    values = struct.unpack("<%dh" % count, raw[: count * 2])
    return [v / 32768.0 for v in values[::channels]], rate


def goertzel_power(samples, rate, freq):
    """|X(freq)|^2 of the (already windowed) samples, by the Goertzel recurrence."""
    coeff = 2.0 * math.cos(2.0 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples:
        s0 = x + coeff * s1 - s2
        s2 = s1
        s1 = s0
    return s1 * s1 + s2 * s2 - coeff * s1 * s2


def window_purity(seg, hann, rate, target, tol):
    """(best frequency, purity) of one window around target +- tol."""
    windowed = [a * b for a, b in zip(seg, hann)]
    energy = sum(v * v for v in windowed)
    if energy <= 0.0:
        return target, 0.0
    # For a sine at exactly f, |X(f)|^2 = energy * sum(w)^2 / (2 * sum(w^2)):
    # divide by that to score a pure tone 1.0 whatever its amplitude.
    sum_w = sum(hann)
    sum_w2 = sum(h * h for h in hann)
    scale = energy * sum_w * sum_w / (2.0 * sum_w2)
    best_f, best_p = target, -1.0
    f = target - tol
    while f <= target + tol + 1e-9:
        p = goertzel_power(windowed, rate, f)
        if p > best_p:
            best_f, best_p = f, p
        f += 1.0
    return best_f, best_p / scale


def analyse(samples, rate, args):
    n = max(16, int(rate * args.window))
    hann = [0.5 - 0.5 * math.cos(2.0 * math.pi * i / (n - 1)) for i in range(n)]
    tone = loud = 0
    freqs = []
    for off in range(0, len(samples) - n + 1, n):
        seg = samples[off:off + n]
        rms = math.sqrt(sum(v * v for v in seg) / n)
        if rms < args.min_rms:
            continue
        loud += 1
        f, purity = window_purity(seg, hann, rate, args.freq, args.tol)
        if purity >= args.min_purity:
            tone += 1
            freqs.append(f)
    return tone * n / float(rate), loud * n / float(rate), freqs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("wav")
    ap.add_argument("--freq", type=float, required=True)
    ap.add_argument("--tol", type=float, default=10.0)
    ap.add_argument("--min-seconds", type=float, default=2.0)
    ap.add_argument("--min-rms", type=float, default=0.01)
    ap.add_argument("--min-purity", type=float, default=0.5)
    ap.add_argument("--window", type=float, default=0.25)
    args = ap.parse_args()
    try:
        samples, rate = read_mono(args.wav)
    except (OSError, EOFError, ValueError, wave.Error, struct.error) as e:
        print("tonecheck: ERROR cannot read %s: %s" % (args.wav, e))
        return 2
    if rate <= 0:
        print("tonecheck: ERROR %s has sample rate %d" % (args.wav, rate))
        return 2
    tone_s, loud_s, freqs = analyse(samples, rate, args)
    total = len(samples) / float(rate)
    rms = math.sqrt(sum(v * v for v in samples) / len(samples)) if samples else 0.0
    mean_f = sum(freqs) / len(freqs) if freqs else 0.0
    ok = tone_s >= args.min_seconds
    print("tonecheck: %s %s length=%.2fs rms=%.3f loud=%.2fs tone(%g+-%gHz)=%.2fs mean=%.1fHz need=%.2fs"
          % ("OK" if ok else "NO-TONE", args.wav, total, rms, loud_s, args.freq, args.tol,
             tone_s, mean_f, args.min_seconds))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
