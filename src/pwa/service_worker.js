// The page's side of the service worker (public/sw.js): registering it, offering a new
// version that waits, and notifications through its registration (so they work with
// the tab in the background, and on phones, where `new Notification` is refused).

let registration = null;

// Registers ./sw.js where the browser allows one (a secure context: https, or
// localhost); `onUpdateReady` is called when a new version is installed and waiting.
export function registerServiceWorker(onUpdateReady) {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) {
    return false;
  }
  navigator.serviceWorker.register('./sw.js').then((reg) => {
    registration = reg;
    const offer = () => {
      if (reg.waiting && navigator.serviceWorker.controller) {
        onUpdateReady();
      }
    };
    offer();
    reg.addEventListener('updatefound', () => {
      const worker = reg.installing;
      if (worker) {
        worker.addEventListener('statechange', () => {
          if (worker.state === 'installed') {
            offer();
          }
        });
      }
    });
  }).catch(() => {});
  return true;
}

// Asks the server whether there is a newer version (the browser also does on loads).
export function checkForUpdate() {
  if (registration) {
    registration.update().catch(() => {});
  }
}

// Takes the waiting version: it activates, and the page reloads under it.
export function applyUpdate() {
  if (!registration || !registration.waiting) {
    return false;
  }
  navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true });
  registration.waiting.postMessage('feedboard-update-now');
  return true;
}

// 'granted', 'denied', 'default' (not asked yet) or 'unsupported'.
export function notificationPermission() {
  return ('Notification' in window) ? Notification.permission : 'unsupported';
}

export async function requestNotificationPermission() {
  if (!('Notification' in window)) {
    return 'unsupported';
  }
  return await Notification.requestPermission();
}

// Shows a notification if allowed; resolves to whether it was shown.
export async function showNotification(title, body, tag) {
  if (!('Notification' in window) || Notification.permission !== 'granted') {
    return false;
  }
  try {
    // Registered: wait until a worker is active (the first one may still be caching).
    const reg = registration ? await navigator.serviceWorker.ready : null;
    if (reg) {
      await reg.showNotification(title, { body, tag, renotify: true, requireInteraction: true });
    } else {
      new Notification(title, { body, tag });
    }
    return true;
  } catch (e) {
    return false;
  }
}
