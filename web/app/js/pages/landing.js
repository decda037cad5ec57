// The front page for visitors: what InterviewAce does and how to start. Signed-in users go
// straight to their dashboard.

import { h, mount, s } from '../dom.js';
import { navigate } from '../router.js';
import { currentUser } from '../session.js';

function step(n, title, text) {
    return h('li', { class: 'step' },
        h('span', { class: 'step-number', 'aria-hidden': 'true' }, String(n)),
        h('h3', {}, title),
        h('p', {}, text));
}

function feature(title, text, d) {
    return h('div', { class: 'feature' },
        s('svg', { class: 'feature-icon', viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' }, s('path', { d })),
        h('h3', {}, title),
        h('p', {}, text));
}

export function render(ctx) {
    if (currentUser()) return navigate('/dashboard', { replace: true });
    mount(ctx.view,
        h('section', { class: 'hero' },
            h('div', { class: 'hero-text' },
                h('p', { class: 'eyebrow' }, 'Interview practice, tailored to you'),
                h('h1', { tabindex: '-1' }, 'Walk into your next interview ready.'),
                h('p', { class: 'lead' },
                    'Upload your resume, choose the role you want, and answer questions built around your experience. ',
                    'Every answer gets a score out of 100, concrete feedback and a model answer.'),
                h('div', { class: 'hero-actions' },
                    h('a', { class: 'btn btn-primary btn-large', href: '/register' }, 'Start practising free'),
                    h('a', { class: 'btn btn-secondary btn-large', href: '/signin' }, 'I have an account'))),
            h('div', { class: 'hero-card', 'aria-hidden': 'true' },
                h('p', { class: 'hero-card-label' }, 'Question 3 of 12 · Behavioral · Medium'),
                h('p', { class: 'hero-card-question' }, 'Tell me about a time you had to change course late in a project.'),
                h('div', { class: 'hero-card-score' }, h('span', { class: 'score score-strong' }, '84', h('span', { class: 'score-max' }, '/100')),
                    h('span', {}, 'Clear structure, a concrete outcome. Add what you would do differently.')))),
        h('section', { class: 'section', 'aria-labelledby': 'how' },
            h('h2', { id: 'how' }, 'How it works'),
            h('ol', { class: 'steps' },
                step(1, 'Upload your resume', 'PDF, Word or plain text. We pull out your skills, roles and experience in seconds.'),
                step(2, 'Practise a mock interview', 'Technical, behavioural and project questions at the difficulty you choose, with a timer.'),
                step(3, 'Improve with feedback', 'A score for every answer, strengths, what to improve and a model answer to learn from.'))),
        h('section', { class: 'section', 'aria-labelledby': 'why' },
            h('h2', { id: 'why' }, 'Built to make you better'),
            h('div', { class: 'features' },
                feature('Questions about you', 'Generated from your resume, the role you target and, if you have one, the job description.', 'M7 3h7l5 5v13H7zM14 3v5h5M10 13h6M10 17h6'),
                feature('Track your progress', 'Your dashboard shows your score trend, strongest categories and the areas to work on next.', 'M4 20V4m0 16h16M8 16l4-5 3 3 5-7'),
                feature('Match a job posting', 'Paste a job description to see which skills you cover and which are missing.', 'M5 12l5 5L20 7'),
                feature('Private by default', 'Your resume is yours. Share it only with a link you control, with an expiry date.', 'M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4'))),
        h('section', { class: 'cta' },
            h('h2', {}, 'Your next interview could be your best one.'),
            h('a', { class: 'btn btn-primary btn-large', href: '/register' }, 'Create your free account')));
    return undefined;
}
