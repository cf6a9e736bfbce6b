// The shared look of every page (login, consent, logout, account, errors).
export { Button, ButtonLink, buttonClasses, type ButtonProps, type ButtonLinkProps, type ButtonVariant } from './Button'
export { Card, type CardProps } from './Card'
export { Field, type FieldProps } from './Field'
export { Notice, type NoticeProps, type NoticeTone } from './Notice'
export { PageTitle, type PageTitleProps } from './PageTitle'
export { cx } from './cx'
