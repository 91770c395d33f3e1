import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { Button } from './Button';
import { copyText } from './copy-text';

/** "Copy" that says "Copied ✓" for a moment, or that copying failed. */
export function CopyButton({ text, label, size = 'small' }: { text: () => string; label?: string; size?: 'small' | 'normal' }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (result === 'idle') return;
    const timer = setTimeout(() => setResult('idle'), 2000);
    return () => clearTimeout(timer);
  }, [result]);
  return (
    <Button size={size} variant="secondary" onClick={() => void copyText(text()).then((ok) => setResult(ok ? 'copied' : 'failed'))}>
      {result === 'copied' ? t('common.copied') : result === 'failed' ? t('common.copyFailed') : (label ?? t('common.copy'))}
    </Button>
  );
}
