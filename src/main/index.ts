import { app, BrowserWindow, dialog, Menu, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Catalog } from '../core/catalog/catalog';
import { defaultDataDir } from '../core/paths';
import { setJobLauncher } from '../core/jobs/childJob';
import { MIDI_EXTENSIONS } from '../shared/midiFiles';
import { StudioService } from '../studio/service';
import { APP_ORIGIN, registerAppScheme, serveAppProtocol } from './appProtocol';
import { serveStudioIpc } from './ipc';
import { utilityJobLauncher } from './jobLauncher';
import { isAllowedExternal, isAppUrl, menuTemplate, rendererOrigin } from './policy';
import { applySessionSecurity, guardAllWebContents } from './security';
import { loadWindowState, saveWindowState } from './windowState';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = defaultDataDir();
// One folder for the CLI, the served twin and the desktop app: the user's catalog is the same everywhere.
app.setPath('userData', dataDir);

// A second instance hands over to the first (which focuses its window) and must do nothing else:
// app.quit() is asynchronous, so everything below runs only for the instance holding the lock.
if (!app.requestSingleInstanceLock()) app.quit();
else startStudio();

function startStudio(): void {
  const devServerUrl = process.env.ELECTRON_RENDERER_URL;
  const origin = rendererOrigin(devServerUrl);
  const appUrl = devServerUrl ?? `${APP_ORIGIN}/index.html`;
  const openExternal = (url: string) => {
    if (isAllowedExternal(url)) void shell.openExternal(url);
  };
  let win: BrowserWindow | null = null;

  registerAppScheme();
  guardAllWebContents(app, origin, openExternal);
  setJobLauncher(utilityJobLauncher());

  function createWindow(): void {
    const state = loadWindowState(dataDir);
    win = new BrowserWindow({
      ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
      width: state.width,
      height: state.height,
      minWidth: 800,
      minHeight: 560,
      title: 'Clara Studio',
      show: false,
      webPreferences: {
        preload: path.join(here, '../preload/index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: false,
        devTools: !app.isPackaged,
      },
    });
    if (state.maximized) win.maximize();
    win.once('ready-to-show', () => win?.show());
    win.on('close', () => {
      if (!win) return;
      const b = win.getNormalBounds();
      saveWindowState(dataDir, { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() });
    });
    void win.loadURL(appUrl);
  }

  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  app.whenReady().then(async () => {
    const catalog = Catalog.open(dataDir);
    serveAppProtocol(path.join(here, '../renderer'));
    applySessionSecurity(session.defaultSession, origin);
    const service = new StudioService(catalog, dataDir, app.getVersion());
    service.desktop = {
      importDialog: async (folders) => {
        const r = await dialog.showOpenDialog(win!, {
          title: folders ? 'Import a folder of MIDI files' : 'Import MIDI files',
          properties: folders ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
          filters: folders ? [] : [{ name: 'MIDI', extensions: [...MIDI_EXTENSIONS] }],
        });
        return r.canceled ? [] : r.filePaths;
      },
    };
    serveStudioIpc(
      service,
      (url) => isAppUrl(url, origin),
      () => win,
    );
    // First run: the demo corpus, imported as a job so the library shows its progress.
    if (catalog.countPieces().total === 0 && catalog.listImports(1).length === 0) service.handlers.importDemo({});
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(app.isPackaged, process.platform)));
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
    service.resumeRunsPausedByClosing();
    // Quitting waits for training to save its checkpoint, so the run resumes next time.
    let quitting = false;
    app.on('before-quit', (event) => {
      if (quitting) return;
      quitting = true;
      event.preventDefault();
      void service.jobs.shutdown().finally(() => {
        catalog.close();
        app.quit();
      });
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
