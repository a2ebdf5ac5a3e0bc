import { describe, expect, it } from 'vitest';
import { cellId, placeOfCell } from './index.ts';

describe('cell places', () => {
  it('derives region, city and site from a cell id', () => {
    expect(placeOfCell('GD-GZ-0012-1')).toEqual({ region: 'GD', city: 'GZ', siteId: 'GD-GZ-0012' });
    expect(cellId('ZJ', 'HZ', 7, 3)).toBe('ZJ-HZ-0007-3');
  });
  it('rejects unknown provinces, cities and malformed ids', () => {
    expect(placeOfCell('XX-GZ-0012-1')).toBeNull();
    expect(placeOfCell('GD-HZ-0012-1')).toBeNull();
    expect(placeOfCell('GD-GZ-12-1')).toBeNull();
  });
});
