// The alert sound: a short tone from the Web Audio API (no sound file to download or
// cache). Browsers play nothing before the user has clicked, tapped or typed on the
// page; the answer says so, so the page can tell the user rather than stay silent.

let context = null;

// Plays `count` beeps of `hertz`; resolves with "played", "blocked" (no click or tap
// on the page yet) or "unsupported".
export async function beep(hertz, count) {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) {
    return 'unsupported';
  }
  if (navigator.userActivation && !navigator.userActivation.hasBeenActive) {
    return 'blocked';
  }
  try {
    if (context === null) {
      context = new Context();
    }
    if (context.state !== 'running') {
      // A resume the browser does not allow never settles: do not wait for it long.
      await Promise.race([context.resume(), new Promise((done) => setTimeout(done, 300))]);
    }
    if (context.state !== 'running') {
      return 'blocked';
    }
    const start = context.currentTime;
    for (let i = 0; i < count; i++) {
      const tone = context.createOscillator();
      const volume = context.createGain();
      tone.frequency.value = hertz;
      volume.gain.value = 0.2;
      tone.connect(volume).connect(context.destination);
      tone.start(start + i * 0.3);
      tone.stop(start + i * 0.3 + 0.18);
    }
    return 'played';
  } catch (e) {
    return 'unsupported';
  }
}
