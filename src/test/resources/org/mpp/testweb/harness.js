// What BrowserPlayback reads through Selenium: window.mpp. Each player page attaches it to its <video> and sets
// levels, currentLevel() and forceLevel(i).
window.mpp = {
  errors: [],
  fatal: false,
  levels: [],
  switchedTo: [],
  maxTime: 0,
  video: null,
  currentLevel: () => -1,
  forceLevel: () => { throw new Error('this page cannot force a level'); },

  error(text, fatal) {
    this.errors.push(String(text).slice(0, 500));
    this.fatal = this.fatal || !!fatal;
  },

  attach(video) {
    this.video = video;
    video.addEventListener('timeupdate', () => { this.maxTime = Math.max(this.maxTime, video.currentTime); });
    video.addEventListener('error', () => {
      const e = video.error;
      this.error('video element: ' + (e ? 'code ' + e.code + ' ' + e.message : 'unknown error'), true);
    });
    return video;
  },

  // Restarts from the beginning when too little is left to see a forced level play on.
  rewindIfNearEnd(seconds) {
    const v = this.video;
    if (v.ended || (v.duration && v.duration - v.currentTime < seconds)) {
      v.currentTime = 0;
    }
    v.play().catch(e => this.error('play(): ' + e, false));
  },

  state() {
    const v = this.video;
    let level = -1;
    try { level = this.currentLevel(); } catch (e) { this.error('currentLevel: ' + e, false); }
    return {
      time: v ? v.currentTime : 0, maxTime: this.maxTime, videoHeight: v ? v.videoHeight : 0,
      ended: v ? v.ended : false, level: level, levels: this.levels, switchedTo: this.switchedTo,
      errors: this.errors, fatal: this.fatal
    };
  }
};
window.addEventListener('error', e => mpp.error('page: ' + e.message, true));
window.addEventListener('unhandledrejection', e => mpp.error('unhandled promise: ' + e.reason, false));
