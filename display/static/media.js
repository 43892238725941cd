// The optional slideshow: images from the display's media_dir, one at a time, held still while
// a call is highlighted (the eye should go to the number, not to a changing picture).

const RELOAD_LIST_MS = 10 * 60 * 1000; // pick up images added to the folder

export class Slideshow {
  constructor({ listUrl, fileUrl, isPaused, intervalS }) {
    this.listUrl = listUrl;
    this.fileUrl = fileUrl;
    this.isPaused = isPaused;
    this.images = [];
    this.index = -1;
    this.interval = (intervalS || 12) * 1000;
    this.frames = [document.getElementById("media-a"), document.getElementById("media-b")];
    this.front = 0;
    this.listedAt = 0;
  }

  async start() {
    await this.reload();
    const step = async () => {
      if (Date.now() - this.listedAt > RELOAD_LIST_MS) await this.reload();
      if (!this.isPaused()) this.next();
      setTimeout(step, this.interval);
    };
    this.next();
    setTimeout(step, this.interval);
  }

  async reload() {
    this.listedAt = Date.now();
    try {
      const answer = await fetch(this.listUrl, { cache: "no-cache" });
      if (!answer.ok) return;
      const body = await answer.json();
      this.images = Array.isArray(body.images) ? body.images : [];
    } catch {
      // keep the images we had; the next reload tries again
    }
    document.body.classList.toggle("media-empty", this.images.length === 0);
  }

  next() {
    if (!this.images.length) return;
    this.index = (this.index + 1) % this.images.length;
    const back = this.frames[1 - this.front];
    const front = this.frames[this.front];
    back.onload = () => {
      back.classList.add("on");
      front.classList.remove("on");
      this.front = 1 - this.front;
    };
    back.src = this.fileUrl(this.images[this.index]);
  }
}
