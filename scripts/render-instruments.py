#!/usr/bin/python3
"""Renders the studio's sampled instruments from Debian's FluidR3 GM soundfont (fluid-soundfont-gm,
MIT licence) with fluidsynth: one Ogg Vorbis file per minor third for the piano and the violin,
which Tone.Sampler repitches in between. Writes resources/public/instruments/ and its manifest.

Needs: apt-get install fluidsynth fluid-soundfont-gm python3-mido
Run:   /usr/bin/python3 scripts/render-instruments.py
"""
import json
import os
import subprocess
import sys
import tempfile

import mido

SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2'
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'public', 'instruments')
NAMES = ['C', 'Cs', 'D', 'Ds', 'E', 'F', 'Fs', 'G', 'Gs', 'A', 'As', 'B']
TONE_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B']
# (name, GM program, lowest, highest, seconds held, velocity, release, volume dB)
INSTRUMENTS = [
    ('piano', 0, 21, 108, 2.6, 90, 1.0, 0),
    ('violin', 40, 55, 103, 2.0, 90, 0.4, -3),
]


def render(program, pitch, held, velocity, wav):
    mid = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.MetaMessage('set_tempo', tempo=500000, time=0))
    track.append(mido.Message('program_change', program=program, channel=0, time=0))
    track.append(mido.Message('note_on', note=pitch, velocity=velocity, channel=0, time=0))
    track.append(mido.Message('note_off', note=pitch, velocity=0, channel=0, time=int(held * 960)))
    track.append(mido.MetaMessage('end_of_track', time=480))
    with tempfile.NamedTemporaryFile(suffix='.mid', delete=False) as f:
        mid.save(file=f)
        path = f.name
    try:
        subprocess.run(['fluidsynth', '-ni', '-q', '-g', '0.8', '-r', '44100', '-T', 'oga', '-F', wav, SOUNDFONT, path], check=True, stdout=subprocess.DEVNULL)
    finally:
        os.unlink(path)


def main():
    if not os.path.exists(SOUNDFONT):
        sys.exit(f'{SOUNDFONT} is missing: apt-get install fluid-soundfont-gm')
    manifest = {}
    for name, program, lo, hi, held, velocity, release, volume in INSTRUMENTS:
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        urls = {}
        # Every minor third, starting on an A as pianists' sample sets do.
        for pitch in range(lo + ((9 - lo) % 3), hi + 1, 3):
            file = f'{NAMES[pitch % 12]}{pitch // 12 - 1}.ogg'
            render(program, pitch, held, velocity, os.path.join(folder, file))
            urls[f'{TONE_NAMES[pitch % 12]}{pitch // 12 - 1}'] = file
        manifest[name] = {'urls': urls, 'release': release, 'volume': volume, 'program': program}
    manifest['_source'] = 'Rendered from FluidR3_GM.sf2 (Frank Wen, MIT licence; Debian fluid-soundfont-gm) by scripts/render-instruments.py'
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
    total = sum(os.path.getsize(os.path.join(r, x)) for r, _, fs in os.walk(OUT) for x in fs)
    print(f'wrote {OUT}: {total / 1e6:.1f} MB')


if __name__ == '__main__':
    main()
