import './app-root.ts';
