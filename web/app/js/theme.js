// Light and dark themes, applied as <html data-theme>. Without a choice the system setting
// decides, also when it changes; a choice is kept in localStorage (not sensitive) and applied
// before the first paint by theme-init.js.

const KEY = 'ia.theme';
const listeners = new Set();
const media = window.matchMedia('(prefers-color-scheme: dark)');

export function themeChoice() {
    try {
        const v = localStorage.getItem(KEY);
        return v === 'light' || v === 'dark' ? v : 'system';
    } catch (e) {
        return 'system';
    }
}

export function effectiveTheme() {
    const choice = themeChoice();
    if (choice !== 'system') return choice;
    return media.matches ? 'dark' : 'light';
}

export function setTheme(choice) {
    try {
        if (choice === 'light' || choice === 'dark') localStorage.setItem(KEY, choice);
        else localStorage.removeItem(KEY);
    } catch (e) {
        // Storage disabled: the choice lasts until the page is reloaded.
    }
    document.documentElement.dataset.theme = effectiveTheme();
    for (const fn of listeners) fn(effectiveTheme());
}

export function onThemeChange(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
}

media.addEventListener('change', () => {
    if (themeChoice() !== 'system') return;
    document.documentElement.dataset.theme = effectiveTheme();
    for (const fn of listeners) fn(effectiveTheme());
});
