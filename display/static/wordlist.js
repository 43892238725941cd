// The words the display's script writes, in Bahasa Indonesia (the hall's language) and
// English; said through the shared words module (/static/shared/words.js). The page's fixed
// labels are in its HTML, with their English beside them on a bilingual site.

export const WORDS = {
  id: {
    break: "Istirahat",
    closed: "Tutup",
    welcome: "Selamat datang di {site}. Ambil nomor antrean di kios, lalu tunggu nomor Anda " +
      "dipanggil.",
    no_call: "Belum ada panggilan",
    no_counter_open: "Belum ada loket yang buka",
    counter_n: "Loket {n}",
    token_refused_title: "Token layar tidak diterima",
    token_refused_text: "Server menolak token yang tersimpan. Buka tautan penyiapan baru dari " +
      "administrator:",
  },
  en: {
    break: "On break",
    closed: "Closed",
    welcome: "Welcome to {site}. Take a queue number at a kiosk, then wait for your number " +
      "to be called.",
    no_call: "No calls yet",
    no_counter_open: "No counter open yet",
    counter_n: "Counter {n}",
    token_refused_title: "Display token not accepted",
    token_refused_text: "The server refused the saved token. Open a new setup link from the " +
      "administrator:",
  },
};
