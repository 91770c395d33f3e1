import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { catalogue } from '../../../src/shared/checks/catalogue';
import { checkTextKo } from '../../../src/shared/checks/catalogue-ko';
import { checkTitle, checkWhy } from '../../../src/shared/checks/check-text';

const hangul = /[\uac00-\ud7a3]/;

describe('Korean check texts', () => {
  test('every check has a Korean title and explanation, and nothing else is listed', () => {
    const ids = catalogue.map((check) => check.id).sort();
    assert.deepEqual(Object.keys(checkTextKo).sort(), ids);
    for (const check of catalogue) {
      const ko = checkTextKo[check.id];
      assert.ok(ko, check.id);
      assert.match(ko.title, hangul, `${check.id} title is Korean`);
      assert.match(ko.why, hangul, `${check.id} why is Korean`);
      assert.ok(ko.why.length > ko.title.length, `${check.id}: the explanation is more than the title`);
    }
  });

  test('the view picks the language; unknown ids and other languages keep the recorded text', () => {
    const k01 = catalogue.find((check) => check.id === 'K01');
    assert.ok(k01);
    assert.equal(checkTitle('K01', 'en', k01.title), k01.title);
    assert.equal(checkTitle('K01', 'ko', k01.title), checkTextKo.K01?.title);
    assert.equal(checkTitle('K01', 'ko-KR', k01.title), checkTextKo.K01?.title);
    assert.equal(checkWhy('K01', 'ko', k01.why), checkTextKo.K01?.why);
    assert.equal(checkTitle('Z99', 'ko', 'A check from a newer catalogue'), 'A check from a newer catalogue');
  });
});
