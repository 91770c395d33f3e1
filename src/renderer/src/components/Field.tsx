import type { ReactNode } from 'react';
import { useId } from 'react';

export interface FieldControlProps {
  id: string;
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
}

export interface FieldProps {
  label: ReactNode;
  /** Short help under the control. */
  hint?: ReactNode;
  /** The problem with the current value, in the technician's language. */
  error?: ReactNode;
  /** What the server said exactly; kept as the error's tooltip for the engineer, the error itself is localized. */
  errorDetail?: string;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}

/** A label, one control, a hint and an error, wired together for screen readers. */
export function Field({ label, hint, error, errorDetail, className, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', error ? 'field-invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {error ? (
        <p className="field-error" id={errorId} role="alert" title={errorDetail} data-detail={errorDetail}>
          <span aria-hidden="true">✕ </span>
          {error}
        </p>
      ) : null}
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
