// Tests of the Arduino CI marker files (.<board>.test.skip / .<board>.test.only).

import { markerFilesAdmit } from './index';

describe('markerFilesAdmit', () => {
  it('admits a folder without marker files', () => {
    expect(markerFilesAdmit(['Blink.ino', 'README.md'], 'uno')).toEqual({ admitted: true });
  });

  it('skips the board named by a .test.skip file only', () => {
    const files = ['Demo.ino', '.esp32.test.skip', '.uno.test.skip'];
    expect(markerFilesAdmit(files, 'uno')).toEqual({ admitted: false, reason: '.uno.test.skip is in the example folder' });
    expect(markerFilesAdmit(files, 'native')).toEqual({ admitted: true });
  });

  it('builds only the boards named by .test.only files when there are any', () => {
    const files = ['Demo.ino', '.zero.test.only', '.esp32.test.only'];
    expect(markerFilesAdmit(files, 'esp32')).toEqual({ admitted: true });
    expect(markerFilesAdmit(files, 'uno')).toEqual({
      admitted: false,
      reason: '.esp32.test.only, .zero.test.only in the example folder: built only for esp32, zero',
    });
  });

  it('checks skip before only, and is case-sensitive', () => {
    expect(markerFilesAdmit(['.uno.test.only', '.uno.test.skip'], 'uno').admitted).toBe(false);
    expect(markerFilesAdmit(['.UNO.test.skip'], 'uno').admitted).toBe(true);
  });
});
