import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { captureToken } from './api/index.ts';
import './styles.css';

captureToken();
const root = document.getElementById('root');
if (!root) throw new Error('index.html must have a #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
