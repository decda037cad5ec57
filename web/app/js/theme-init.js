// Sets <html data-theme> before the first paint (a classic script, not a module, so that it
// runs before the page is drawn): the saved choice, or else the system setting.
(function applyTheme() {
    let theme = null;
    try {
        theme = localStorage.getItem('ia.theme');
    } catch (e) {
        theme = null; // storage can be disabled; the system setting then applies
    }
    if (theme !== 'light' && theme !== 'dark')
        theme = window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
    document.documentElement.dataset.theme = theme;
}());
